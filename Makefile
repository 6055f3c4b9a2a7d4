# OSB — the two commands a newcomer needs are `make run` and `make test`;
# `make` alone lists every target (the `## target: what` lines below).
GO ?= go

.PHONY: help run test check build bench migrate chaos
.DEFAULT_GOAL := help

## help: list the targets and what each does (what `make` alone prints)
help:
	@awk '/^## [a-z-]+: / { sub(/^## /, ""); i = index($$0, ": "); printf "  make %-8s %s\n", substr($$0, 1, i - 1), substr($$0, i + 2) }' $(MAKEFILE_LIST)

## run: build and start the whole system (embedded Temporal + Web UI, PostgreSQL, worker, API, demo data)
run:
	OSB_DEMO=$${OSB_DEMO:-true} $(GO) run ./cmd/osb-dev dev

## test: every check and every test, as CI runs them
test: check
	$(GO) test -count=1 -timeout 45m ./...

## check: formatting, go.mod tidy, vet, staticcheck and Temporal's workflowcheck (determinism of workflow code)
check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool workflowcheck ./workflows/...

## build: build ./osb (production) and ./osb-dev (with the embedded Temporal server and Web UI), and print their sizes
build:
	$(GO) build -trimpath -o osb ./cmd/osb
	$(GO) build -trimpath -o osb-dev ./cmd/osb-dev
	@for f in osb osb-dev; do echo "$$f $$((($$(wc -c <$$f) + 500000) / 1000000)) MB"; done

## bench: the benchmarks whose figures docs/benchmarks.md records
bench:
	$(GO) test -run '^$$' -bench WorkflowThroughput -benchtime 300x ./devserver/
	$(GO) test -run '^$$' -bench Cycle -benchtime 3000x ./e2e/
	$(GO) test -run '^$$' -bench QuarterlyCreditReview -benchtime 3x ./e2e/
	$(GO) test -run '^$$' -bench Reports -benchtime 3x ./postgres/
	$(GO) test -run '^$$' -bench ApplyOrderChanges ./postgres/
	$(GO) test -run '^$$' -bench StatementImport -benchtime 3x ./postgres/
	$(GO) test -run '^$$' -bench MasterDataImport -benchtime 3x -benchmem ./postgres/
	$(GO) test -run '^$$' -bench ConsolePages -benchtime 200x ./console/
	$(GO) test -run '^$$' -bench VersioningCost -benchtime 400x ./devserver/
	$(GO) test -run '^$$' -bench ClusterUnderFaults -benchtime 1x -timeout 30m ./cluster/

## chaos: the fault suite in full, 6–9 minutes: 200 orders, worker kill -9, Temporal restart, PostgreSQL down 3 min (make test runs its short form; CHAOS='-chaos.seed=N' repeats a run's plans)
chaos:
	$(GO) test -count=1 -v -run '^TestChaos$$' -timeout 60m ./chaos/ -chaos.full $(CHAOS)

## migrate: apply database migrations (starts the private PostgreSQL if nothing answers)
migrate:
	$(GO) run ./cmd/osb-dev migrate
