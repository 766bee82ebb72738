# The two commands in README.md: `make run` and `make test`. Both set everything up first.
.PHONY: run test lint stop-db

run:
	@bash scripts/dev.sh run

test:
	@bash scripts/dev.sh test $(ARGS)

lint:
	@bash scripts/dev.sh lint

stop-db:
	@bash scripts/dev.sh stop-db
