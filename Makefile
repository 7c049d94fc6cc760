# Teixit — the two commands that matter: `make run` and `make test`. See README.md.
GO      ?= go
BIN     := bin/teixit
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build frontend backend seed test test-go test-frontend test-browser bench clean

## run: build everything, load the demo data (idempotent) and serve on http://localhost:8080
run: build
	./$(BIN) seed
	./$(BIN) serve

build: frontend backend

frontend:
	npm ci --no-audit --no-fund
	npm run build

backend:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./server

seed: backend
	./$(BIN) seed

## test: every test — Go (race detector, real embedded store, real index, real Pion peers), frontend unit
## tests, browser tests on Debian's Chromium.
test: test-go test-frontend test-browser

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

test-frontend:
	npm ci --no-audit --no-fund
	npm run test:unit

test-browser: frontend
	npm run test:browser

## bench: the benchmarks written up in docs/ and the packages' READMEs (not part of `make test`).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin frontend/dist/assets
