// Spend: per day stacked by model, per campaign, per person, each account's credit balance
// over time; the totals table, drift, CSV export and the team budget.
import { api, isOwner, listAll } from "../lib/api.js";
import { el, field, fillSelect, empty, into, toast } from "../lib/dom.js";
import { usd } from "../lib/format.js";
import { stackedColumns, bars, lines } from "../lib/charts.js";
import { reconciliationSection } from "./spend-reconciliation.js";

const isoDay = (date) => date.toISOString().slice(0, 10);
const money = (v) => "$" + Number(v).toFixed(2);

export async function render(root) {
  const today = new Date();
  const form = el("form", { class: "filters", id: "spend-filter" },
    field("Group the table by", el("select", { name: "group_by" })),
    field("From", el("input", { name: "since", type: "date", required: true, value: isoDay(new Date(today.getTime() - 29 * 86400000)) })),
    field("To (inclusive)", el("input", { name: "until", type: "date", required: true, value: isoDay(today) })),
    el("button", { type: "submit" }, "Show"), el("a", { class: "button-link", id: "spend-csv", href: "#", download: "spend.csv" }, "Download CSV"));
  fillSelect(form.group_by, [["model", "model"], ["day", "day"], ["campaign", "campaign"], ["user", "person"], ["api_key", "API key"], ["team", "whole team"]]);
  const money4 = el("div", { class: "grid", id: "team-money" });
  const budget = el("form", { class: "inline", id: "budget-form" }, field("Team budget (USD; empty removes it)", el("input", { name: "budget_usd", type: "number", min: "0", step: "0.01" })),
    el("button", { type: "submit", class: "secondary" }, "Set team budget"));
  const total = el("p", { class: "big", id: "spend-total" }, "…");
  const [byDay, byCampaign, byPerson, credit, table, drift] = Array.from({ length: 6 }, () => el("div"));
  byDay.id = "chart-day";
  credit.id = "credit-chart";
  const books = reconciliationSection();
  root.replaceChildren(el("h1", {}, "Spend"), money4, isOwner() ? budget : null, form, total,
    el("h2", { class: "section" }, "Per day, by model"), byDay,
    el("div", { class: "columns" }, el("section", {}, el("h2", { class: "section" }, "Per campaign"), byCampaign), el("section", {}, el("h2", { class: "section" }, "Per person"), byPerson)),
    el("h2", { class: "section" }, "Totals"), table,
    el("h2", { class: "section" }, "Credit balance per account"), credit,
    el("h2", { class: "section" }, "Drift: booked costs against the fall of the reported balance"), drift, books.section);

  const range = () => {
    const until = new Date(form.until.value + "T00:00:00Z");
    until.setUTCDate(until.getUTCDate() + 1);  // `until` is exclusive
    return `since=${form.since.value}&until=${isoDay(until)}`;
  };
  async function loadTeam() {
    const team = await api("/team");
    money4.replaceChildren(...[["Budget", team.budget_usd === undefined ? "none" : usd(team.budget_usd)], ["Reserved", usd(team.reserved_usd)],
      ["Spent", usd(team.spent_usd)], ["Available", team.available_usd === undefined ? "no limit" : usd(team.available_usd)]]
      .map(([t, v]) => el("div", { class: "card" }, el("h2", {}, t), el("p", { class: "big" }, v))));
    budget.budget_usd.value = team.budget_usd === undefined ? "" : team.budget_usd;
  }
  async function load() {
    const q = range();
    form.querySelector("#spend-csv").href = `/api/v1/spend?group_by=${form.group_by.value}&${q}&format=csv`;
    const report = await api(`/spend?group_by=${form.group_by.value}&${q}`);
    total.textContent = `Total ${usd(report.total_usd)} · ${report.total_generations} takes · ${usd(report.total_estimated_usd)} of it estimated (no provider figure)`;
    into(table, () => (report.rows.length ? el("table", { id: "spend-table" }, el("thead", {}, el("tr", {}, ...[report.group_by, "Takes", "Spent", "Estimated part", "Provider-reported"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...report.rows.map((r) => el("tr", {}, el("td", {}, r.label || "—"), el("td", {}, String(r.generations)), el("td", {}, usd(r.spent_usd)), el("td", {}, usd(r.estimated_usd)), el("td", {}, usd(r.reported_usd))))))
      : empty("Nothing booked in this range.")));
    into(drift, () => (report.drift.length ? el("table", {}, el("thead", {}, el("tr", {}, ...["Account", "Booked", "Balance fell by", "Drift", "Balances seen"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...report.drift.map((d) => el("tr", {}, el("td", {}, d.label), el("td", {}, usd(d.booked_usd)), el("td", {}, d.balance_fall === undefined ? "—" : Number(d.balance_fall).toFixed(4)),
        el("td", { class: d.drift !== undefined && Math.abs(d.drift) >= 0.01 ? "bad" : "" }, d.drift === undefined ? "not enough balances" : Number(d.drift).toFixed(4)), el("td", {}, String(d.snapshots))))))
      : empty("No provider activity in this range.")));
    into(byDay, async () => {
      const until = new Date(form.until.value + "T00:00:00Z");
      until.setUTCDate(until.getUTCDate() + 1);
      const takes = await listAll(`/generations?limit=200&since=${form.since.value}T00:00:00Z&until=${isoDay(until)}T00:00:00Z`, 2000);
      const days = new Map();
      for (const g of takes) {
        if (g.cost_usd === undefined || g.cost_usd === null) continue;
        const d = (g.finished_at || g.created_at).slice(0, 10);
        const parts = days.get(d) || {};
        parts[g.model] = (parts[g.model] || 0) + Number(g.cost_usd);
        days.set(d, parts);
      }
      if (!days.size) return empty("Nothing booked in this range yet.");
      return stackedColumns([...days].sort().map(([x, parts]) => ({ x, parts })), { label: "spend per day, stacked by model", format: money });
    });
    const grouped = (by, box, what) => into(box, async () => {
      const rows = (await api(`/spend?group_by=${by}&${q}`)).rows.map((r) => ({ label: r.label || "—", value: Number(r.spent_usd) }));
      return rows.length ? bars(rows, { label: `spend per ${what}`, format: money }) : empty("Nothing booked.");
    });
    grouped("campaign", byCampaign, "campaign");
    grouped("user", byPerson, "person");
  }
  async function loadCredits() {
    const points = (await api("/credits?limit=200")).data.filter((s) => s.remaining !== undefined).reverse();
    if (!points.length) return empty("No balance reported yet.");
    const series = new Map();
    for (const s of points) {
      const key = s.account_id ? "account " + s.account_id.slice(0, 8) : "instance " + s.provider;
      if (!series.has(key)) series.set(key, []);
      series.get(key).push({ t: new Date(s.observed_at).getTime(), v: Number(s.remaining) });
    }
    return lines(series, { label: "credit balance over time", format: (v) => Number(v).toFixed(2) });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); load().catch((err) => toast(err.message, "bad")); });
  form.group_by.addEventListener("change", () => load().catch((err) => toast(err.message, "bad")));
  budget.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = budget.budget_usd.value;
    try { await api("/team", { method: "PATCH", body: { budget_usd: value === "" ? null : value } }); await loadTeam(); toast("Team budget saved."); } catch (err) { toast(err.message, "bad"); }
  });
  await Promise.all([loadTeam(), load(), into(credit, loadCredits), books.load()]);
}
