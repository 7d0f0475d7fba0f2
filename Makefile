# 测一测 — the two commands of the README, and the pieces they are made of.
#   make demo   install into .venv, migrate the SQLite database under data/, load the demo, serve on :8000
#   make test   lint, types, layering and the whole test suite (SQLite; PostgreSQL when CEYICE_TEST_DATABASE_URL is set)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve install install-dev browser-deps lint test pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools reports every editable install with a multi-line "Editable installation." notice that pip
# re-raises as a warning; that one notice is filtered by its message, every other warning and error still shows.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -W 'ignore:Editable installation:UserWarning' -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/ceyice db upgrade
	$(BIN)/ceyice demo
	$(BIN)/ceyice serve

serve: install
	$(BIN)/ceyice serve

# Browser tests drive Debian's Chromium; CJK fonts make screenshots readable. Installed, never downloaded.
browser-deps:
	@bash .ci/browser-deps

lint: install
	$(BIN)/ruff check app questions tests bench alembic
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: install browser-deps
	$(BIN)/pytest

test: lint pytest

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
