# pulumi-dfcloud — every target installs what it needs from the repo's own files.
# `make demo` and `make test` work on a fresh machine; see README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(abspath .)

NODE_VERSION := 24.9.0
PULUMI_ENGINE_VERSION := v3.274.1

# Node 24 (when installed here) and the Pulumi engine (with its plugins linked beside it) come first
# on PATH for every target: the language host and the dynamic-provider processes run `node` from PATH.
export PATH := $(ROOT)/.tools/pulumi/bin:$(ROOT)/.tools/node/node_modules/node/bin:$(PATH)
export PULUMI_HOME := $(ROOT)/.pulumi-home
export PULUMI_BACKEND_URL ?= file://$(ROOT)/.pulumi-state
export PULUMI_CONFIG_PASSPHRASE ?= dfcloud-local
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true
export PULUMI_SUPPRESS_NEO_LINK := true
export PULUMI_CREDENTIAL_STORE := plaintext
export NODE_VERSION PULUMI_ENGINE_VERSION

VITEST_REPORT := .test-work/vitest.json


.PHONY: all tools node engine engine-nodejs plugin redis install build lint format test test-unit test-engine vitest schema demo emulator gen docs bench bench-chart soak clean

all: build

## tools: Node >= 22, the Pulumi CLI and its YAML language host (built once from the Go module proxy;
## skipped when present), and the native provider plugin (.tools/plugin: a folder and a tarball for
## `pulumi plugin install resource dfcloud-backups <version> --file …`), and redis-server where the
## machine allows (emulator/test/data-plane.test.ts compares the emulator's data plane with it)
tools: node engine plugin redis

plugin: build
	@scripts/build-plugin.sh

node:
	@scripts/ensure-node.sh

redis:
	@scripts/ensure-redis.sh

## engine: the Pulumi CLI with every language host the tests use: engine-nodejs, then Pulumi YAML's
## host (scripts/build-yaml-host.sh) and the code-generation host for `make gen` (tools/codegen-host)
engine: engine-nodejs
	@scripts/build-yaml-host.sh
	@scripts/link-plugins.sh
	@tools/codegen-host/build.sh

## engine-nodejs: only the Pulumi CLI (scripts/build-engine.sh) and, linked beside it, our Node.js
## language host and the dynamic-provider shim (scripts/link-plugins.sh): what Node.js programs need
engine-nodejs: install
	@scripts/build-engine.sh
	@scripts/link-plugins.sh

## install: npm packages, exactly as package-lock.json says (re-run only when the lock changes)
install: node node_modules/.install-stamp

node_modules/.install-stamp: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: install
	npx tsc -b

## lint: biome, the packages' types, and the test files' types (every test folder has a tsconfig)
lint: install
	npx biome check .
	npx tsc -b
	for project in provider/test sdk/test emulator/test policy/test tests bench tools/language-host; do npx tsc -p $$project; done

format: install
	npx biome check --write .

## test: unit, integration and engine end-to-end tests; prints `tests: N passed, N failed`
test: tools build
	@mkdir -p .test-work
	@rc=0; npx vitest run --reporter=default --reporter=json --outputFile.json=$(VITEST_REPORT) || rc=$$?; \
	  node scripts/test-summary.js $(VITEST_REPORT) && exit $$rc

test-unit: build
	npx vitest run --project unit

test-engine: tools build
	npx vitest run --project engine

## vitest: run chosen test files with the Makefile's environment, e.g. make vitest ARGS=provider/test/resources
vitest: build
	npx vitest run $(ARGS)

## demo: start the local Dragonfly Cloud API and run examples/quickstart against it: a preview that a
## check stops (nothing written), a preview that passes, then `pulumi up`. Builds only what it runs:
## Node, the Pulumi CLI with the Node.js host (engine-nodejs), the npm packages and the TypeScript build.
## DEMO_MAKE_STARTED (Unix seconds, read when make starts) lets the demo report the whole run's time.
demo: export DEMO_MAKE_STARTED := $(shell date +%s.%N)
demo: engine-nodejs build
	@node scripts/demo.js

## emulator: run the local Dragonfly Cloud API in the foreground (Ctrl-C stops it)
emulator: build
	node emulator/dist/cli.js $(EMULATOR_ARGS)

## bench: real engine vs emulator: overhead, API calls, wait latency, size, memory → bench/results.{json,md,svg};
## then (full runs only: BENCH_SECTIONS unset) the plugin's launch modes side by side → bench/startup-results.md
bench: tools build
	npx vitest run --config bench/vitest.config.mts bench/bench.ts
	@if [ -z "$${BENCH_SECTIONS:-}" ]; then \
	  echo "STARTUP_UP_SIZE=0 npx vitest run --config bench/startup.config.mts"; \
	  STARTUP_UP_SIZE=0 npx vitest run --config bench/startup.config.mts; \
	else echo "bench: BENCH_SECTIONS is set: launch modes not measured (bench/startup-results.md unchanged)"; fi

## bench-chart: redraw bench/results.svg from the committed bench/results.json (make bench draws it too)
bench-chart: install
	npx ts-node --transpile-only -P bench/tsconfig.json bench/chart-cli.ts

## soak: up/refresh/destroy under 20% injected API faults (seeds 1-10), then interrupted ups (SIGINT, Ctrl-C, SIGKILL)
soak: tools build
	npx vitest run --config bench/vitest.config.mts bench/soak.ts

## schema: regenerate every file derived from the contracts (schema.json, the dynamic SDK's classes and
## types, docs/reference); tests/unit/generated.test.ts fails when one is stale
schema: build
	node scripts/gen-contract.js

## docs: regenerate docs/reference/ from schema.json (part of `make schema`)
docs:
	node scripts/gen-docs.js

## gen: generate the Node.js, Python and Go SDKs from schema.json into sdk/generated/{nodejs,python,go}
## (sdk/generated/go is the Go module schema.json's language.go.modulePath names, with its go.mod)
gen: tools
	for language in nodejs python go; do \
	  PATH=$(ROOT)/.tools/codegen/bin:$$PATH pulumi package gen-sdk schema.json --language $$language --out sdk/generated; \
	done
	node scripts/go-sdk-module.js sdk/generated/go

## pack: every publishable package as users install it, into dist-packages/ (scripts/pack.sh): the SDK
## (the provider code inside it), the emulator, the policy pack, and the native plugin's tarball
.PHONY: pack
pack: build plugin
	@scripts/pack.sh

clean:
	rm -rf node_modules */dist examples/*/node_modules .test-work .pulumi-state .pulumi-home
