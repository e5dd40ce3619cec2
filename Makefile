# jingwang: every target works alone on a fresh machine. `make demo` and `make test` build
# .venv from requirements.lock first when it is missing or older than the lock / pyproject.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist workers: 'auto' uses every core.
JOBS   ?= auto
UV_VERSION := 0.13.9

.PHONY: install demo serve test test-fast lint format typecheck bench bench-smoke lock messages clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jingwang demo

serve: $(STAMP)
	$(BIN)/jingwang serve

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The whole suite: lint and types first, then every test in parallel.
test: lint
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# Quick loop: skips tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow" $(PYTEST_ARGS)

# The probing benchmark's peer (Scrapy) lives in its own venv, from its own lock file.
BENCH_VENV  := .bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/scrapy/requirements.lock
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r bench/scrapy/requirements.lock
	@touch $(BENCH_STAMP)

# Benchmarks print ratios against their peers; BENCH_SCALE=smoke runs them small (CI does).
bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-smoke: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench --scale smoke

# Re-resolve requirements.lock (needs the registry). uv lives in its own throwaway venv.
lock:
	@test -x .tools/bin/uv || ($(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv==$(UV_VERSION))
	.tools/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	.tools/bin/uv pip compile bench/scrapy/requirements.in --generate-hashes --python-version 3.11 -o bench/scrapy/requirements.lock

# Re-extract and update the translation catalogs after changing user-visible strings.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --project jingwang --copyright-holder "jingwang developers" -o src/jingwang/web/locale/messages.pot src/jingwang
	$(BIN)/pybabel update -i src/jingwang/web/locale/messages.pot -d src/jingwang/web/locale

clean:
	rm -rf $(VENV) $(BENCH_VENV) .tools .pytest_cache .mypy_cache .ruff_cache var
