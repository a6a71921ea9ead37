# The two commands: `make run` serves Reelbase on http://127.0.0.1:8080, `make test` runs every test.
# Both start a private PostgreSQL under .data/pg when DATABASE_URL is not set.
.PHONY: run test build bench crash-test chaos db db-stop clean

run:
	@scripts/run.sh

test:
	@scripts/test.sh

build:
	scripts/embed-migrations.sh
	swift build

db:
	@scripts/postgres.sh start

db-stop:
	@scripts/postgres.sh stop

clean:
	swift package clean

# Benchmarks and the crash test (figures go in the issue notes). BENCH_CONFIG=debug for a quick run.
bench:
	@scripts/bench.sh

crash-test:
	@scripts/bench.sh crash

# Faults and bad input: PostgreSQL restarts, frozen workers, 429/5xx storms, an unreachable provider,
# SIGTERM, cut downloads, cross-team probes, secrets in logs. Every lost/duplicated/leaked figure must be 0.
chaos:
	@scripts/bench.sh chaos
