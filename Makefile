# Teixit — the two commands that matter: `make run` and `make test`. See README.md.
GO      ?= go
BIN     := bin/teixit
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build frontend backend seed test test-go test-frontend test-browser test-cluster test-pg bench clean

## run: build everything, load the demo data (idempotent) and serve on http://localhost:8080
run: build
	./$(BIN) seed
	./$(BIN) serve

build: frontend backend

frontend: node_modules/.package-lock.json
	npm run build

# npm ci only when the lock file changed since the last install (it deletes and rewrites node_modules)
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

backend:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./server

seed: backend
	./$(BIN) seed

## test: every test — Go (race detector, real embedded store, real index, real Pion peers), frontend unit
## tests, browser tests on Debian's Chromium.
test: test-go test-frontend test-browser test-cluster

# SQLite's engine in the embedded store is C translated to Go (modernc.org/sqlite/lib, modernc.org/libc): built
# with cgo it would not be instrumented either, so the race detector and checkptr skip it (a fifth of the store-heavy
# packages' CPU); everything else, the store's Go code included, is instrumented. See docs/test-suite.md.
RACE_SKIP := -gcflags='modernc.org/sqlite/lib=-race=false -d=checkptr=0' -gcflags='modernc.org/libc/...=-race=false -d=checkptr=0'

test-go:
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) test -race $(RACE_SKIP) -count=1 -timeout 20m ./...

test-frontend: node_modules/.package-lock.json
	npm run check
	npm run test:unit

# builds the frontend and one server binary for every browser test file
test-browser: node_modules/.package-lock.json
	npm run test:browser

## test-cluster: three real `teixit serve` nodes on FerretDB/PostgreSQL + versitygw (S3) + an nginx front,
## brought up by deploy/cluster/up.sh (needs Debian's postgresql and nginx, and versitygw: see .ci/run).
test-cluster: backend
	TEIXIT_CLUSTER_TEST=1 TEIXIT_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 10m ./deploy/cluster/

## test-pg: the store-heavy Go packages against FerretDB on PostgreSQL (deploy/cluster/test-pg.sh); not part
## of `make test` — see deploy/README.md for what holds there.
TEST_PG_PKGS ?= ./server/...
test-pg: backend
	TEIXIT_BIN=$(CURDIR)/$(BIN) deploy/cluster/test-pg.sh -count=1 -p 1 -timeout 30m $(TEST_PG_PKGS)

## bench: the benchmarks written up in docs/ and the packages' READMEs (not part of `make test`).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin frontend/dist/assets
