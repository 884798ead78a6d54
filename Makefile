# The two commands a new machine needs are `make run` and `make test`; every target builds .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= embedtrail.db
PORT ?= 8001

.PHONY: run test test-fast lint bench install clean docs fuzz screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/embedtrail ingest --db $(DB) samples/
	$(BIN)/embedtrail stats --db $(DB)
	$(BIN)/embedtrail serve --db $(DB) --port $(PORT)

# The Debian programs the suite drives are installed first; a missing one then fails its tests instead of
# skipping them. The suite runs on every core (pytest-xdist).
test: $(STAMP)
	sh scripts/install-test-deps.sh
	EMBEDTRAIL_REQUIRE_TEST_DEPS=1 $(BIN)/python -m pytest -q -n auto --dist worksteal

# The suite without the tests marked slow (kills, load, budgets, fuzz): for the edit-test loop.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal -m "not slow"

# mypy reads the embedtrail namespace through links (it cannot follow the editable install's import hook).
TYPECHECK := build/typecheck/embedtrail

lint: $(STAMP)
	mkdir -p $(TYPECHECK)
	for pkg in tracker scrapers db; do ln -sfn ../../../$$pkg $(TYPECHECK)/$$pkg; done
	$(BIN)/ruff check tracker scrapers db tests benchmarks fuzz
	$(BIN)/ruff format --check tracker scrapers db tests benchmarks fuzz
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/cog -r README.md docs/cli-reference.md

# The README's pictures: the browser test's screenshots of the main pages, on the bundled sample articles.
screenshots: $(STAMP)
	sh scripts/install-test-deps.sh
	EMBEDTRAIL_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -p no:xdist \
		tests/test_browser.py -k readme_screenshots

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

# A bounded atheris campaign over the extractors and the text parser: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 300
fuzz: $(STAMP)
	$(BIN)/python -m fuzz --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) build *.egg-info
