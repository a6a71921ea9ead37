# The two commands: `make run` serves Reelbase on http://127.0.0.1:8080, `make test` runs every test.
# Both start a private PostgreSQL under .data/pg when DATABASE_URL is not set.
.PHONY: run test build bench db db-stop migrate clean

run:
	@scripts/run.sh

test:
	@scripts/test.sh

build:
	swift build

db:
	@scripts/postgres.sh start

db-stop:
	@scripts/postgres.sh stop

clean:
	swift package clean
