# Ekta Mall POS. `make demo` runs a hub and two malls; `make test` runs
# every test with the race detector.
GO      ?= go
BIN     := bin/ektamall
DIR     ?= demo-data
HTTP    ?= 127.0.0.1:8700
PKGS    := ./...

.PHONY: build demo test test-pg test-short bench lint fmt clean docs chaos fuzz

build:
	$(GO) build -o $(BIN) ./cmd/ektamall

demo: build
	./$(BIN) demo --dir $(DIR) --http $(HTTP)

test:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# The hub's tests again with its books on PostgreSQL: each test binary
# starts a throwaway cluster (initdb and pg_ctl in a temp dir, on a free
# loopback port) and stops it, unless EKTAMALL_TEST_PG names a server
# (postgres://user@host:port/db, a user who may CREATE DATABASE).
# PG_PKGS: every hub package; PG_E2E: the end-to-end tests that exercise
# the hub's books (ingest, ledger, settlement, GST documents, producers,
# catalog, routing, the demo and the hub's tools) - the rest of them are
# about NATS, the malls or the screens and stay on SQLite.
PG_PKGS := ./hub/... ./migrations ./shared/sqldb/...
PG_E2E  := TestAppsOverHTTP|TestFinanceAnswersOnEveryHubNode|TestReturnSameSaleLineTwiceReachesHubLedger|TestProductWithoutGSTRateRefused|TestHubNodes|TestMigrateDB|TestDemoOnPostgres|TestHubToolsOnPostgres|TestSettleCommand|TestEInvoiceRoundTrip|TestProducerSeesMallSaleWithinSeconds|TestHubBooksBothHistoriesInAnyOrder|TestHubRestartMidIngest
test-pg:
	EKTAMALL_TEST_PG=$${EKTAMALL_TEST_PG:-temp} $(GO) test -race -count=1 -timeout 20m $(PG_PKGS)
	EKTAMALL_TEST_PG=$${EKTAMALL_TEST_PG:-temp} $(GO) test -race -count=1 -timeout 20m -run '$(PG_E2E)' ./cmd/ektamall/...

test-short:
	$(GO) test -short -count=1 $(PKGS)

# Every path's speed next to its raw limit, in one run: a table and
# bin/bench.json. BENCHFLAGS passes flags (e.g. --settle-lines 10000000).
bench: build
	./$(BIN) bench --out bin/bench.json $(BENCHFLAGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin $(DIR)

# Regenerate the configuration reference in README.md from the code's flags.
docs: build
	./$(BIN) config-reference --write README.md

# The whole-system fault test: the real binary as a hub and two malls,
# load, SIGKILLs and link cuts on a seeded schedule, then every check.
# SEED=n replays a schedule; DURATION sets the length of the load.
SEED     ?=
DURATION ?= 60s
chaos: build
	./$(BIN) chaos --bin $(BIN) --duration $(DURATION) $(if $(SEED),--seed $(SEED))

# Each fuzz target briefly; the committed corpora under testdata/fuzz run
# in every 'make test' as well.
FUZZTIME ?= 10s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./shared/money
	$(GO) test -run '^$$' -fuzz '^FuzzSaleRequest$$' -fuzztime $(FUZZTIME) ./pos
	$(GO) test -run '^$$' -fuzz '^FuzzReturnRequest$$' -fuzztime $(FUZZTIME) ./pos
	$(GO) test -run '^$$' -fuzz '^FuzzCatalogCSV$$' -fuzztime $(FUZZTIME) ./inventory
	$(GO) test -run '^$$' -fuzz '^FuzzEventDecode$$' -fuzztime $(FUZZTIME) ./hub/ingest
