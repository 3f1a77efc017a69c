# pushwire — the two commands a user needs:
#   make run    install what is missing, build, start the server with its demo
#   make test   the same set-up, then every test
BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
ARGS       ?=
FUZZ_SECONDS ?= 30
FUZZ_CPU_SECONDS ?= 3600
FUZZ_WORK ?= $(FUZZ_BUILD)/long
CMAKE_BUILD_TYPE ?= RelWithDebInfo

.PHONY: all deps test-deps npm web build run test unit integration fuzz fuzz-targets fuzz-long fault browser bench soak clean

all: build

deps:
	@scripts/install-deps.sh run

test-deps:
	@scripts/install-deps.sh test

# node_modules is refreshed only when the lockfile changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

npm: node_modules/.package-lock.json

web: npm
	npm run --silent build:web

build: deps web
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/pushwire $(ARGS)

test: test-deps build
	$(MAKE) --no-print-directory unit integration fuzz browser

unit:
	cd $(BUILD) && ctest --output-on-failure --no-tests=error

integration:
	node --test --test-concurrency=1 tests/integration/

# The fault tests' long form: 1,000 forced reconnects per client (make test runs 50 with raw
# clients, 5 with the browser client).
fault: test-deps build
	FAULT_RECONNECTS=1000 node --test --test-concurrency=1 tests/integration/fault_proxy.test.mjs tests/browser/fault_proxy.test.mjs

browser:
	@if ls tests/browser/*.test.mjs >/dev/null 2>&1; then node --test --test-concurrency=1 tests/browser/; fi

fuzz-targets:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DPUSHWIRE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzz-targets
	scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The long run: FUZZ_CPU_SECONDS of CPU per target (default one hour), corpora
# grown and merged into tests/fuzz/corpus; results in $(FUZZ_WORK)/results.tsv.
fuzz-long: fuzz-targets
	scripts/fuzz-long.sh $(FUZZ_BUILD) $(FUZZ_CPU_SECONDS) $(FUZZ_WORK) $(ARGS)

bench: build
	@scripts/install-deps.sh bench
	bench/compare.sh $(ARGS)

# An hour with 10,000 subscribers of every technique (not part of make test): make soak ARGS="--duration 600"
soak: build
	ulimit -n 20000 && node bench/soak.mjs $(ARGS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
