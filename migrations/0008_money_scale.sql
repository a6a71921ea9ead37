-- One scale for money: every USD amount is numeric(18,6). Six decimals because prices are
-- quoted per second at fractions of a cent (0.0625 $/s) and estimates multiply them; 12
-- integer digits hold any budget. Before, team and campaign columns were numeric(14,4) while
-- generations and the ledger were numeric(12,6), so a reservation rounded on its way in and
-- out of a budget. Widening both ways loses nothing.
ALTER TABLE teams
    ALTER COLUMN budget_usd   TYPE numeric(18,6),
    ALTER COLUMN reserved_usd TYPE numeric(18,6),
    ALTER COLUMN spent_usd    TYPE numeric(18,6);
ALTER TABLE campaigns
    ALTER COLUMN budget_usd   TYPE numeric(18,6),
    ALTER COLUMN reserved_usd TYPE numeric(18,6),
    ALTER COLUMN spent_usd    TYPE numeric(18,6);
ALTER TABLE generations
    ALTER COLUMN estimated_cost_usd TYPE numeric(18,6),
    ALTER COLUMN reserved_usd       TYPE numeric(18,6),
    ALTER COLUMN cost_usd           TYPE numeric(18,6);
ALTER TABLE spend_ledger ALTER COLUMN amount_usd TYPE numeric(18,6);
ALTER TABLE prices ALTER COLUMN usd TYPE numeric(18,6);

-- A provider-reported cost outside [0, 10 x estimate] is kept exactly as reported (any size,
-- so unconstrained numeric) but not booked: the estimate is booked, flagged, and an alert raised.
ALTER TABLE generations
    ADD COLUMN reported_cost_usd numeric,
    ADD COLUMN cost_flag text CHECK (cost_flag IN ('out_of_range'));
ALTER TABLE spend_ledger
    ADD COLUMN cost_flag text CHECK (cost_flag IN ('out_of_range'));
