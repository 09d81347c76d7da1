# The two commands a newcomer needs:
#   make demo   install into a fresh virtual environment and run the hub with demo data
#   make test   install into a fresh virtual environment and run lint, types and tests
# Both rebuild their environment from pyproject.toml every time, so a dependency
# missing there fails here instead of hiding behind what a machine already has.

PYTHON ?= python3.11
DEMO_VENV := .venv
TEST_VENV := .venv-test
PORT ?= 8000

.PHONY: demo test

demo:
	rm -rf $(DEMO_VENV)
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/pip install --quiet .
	$(DEMO_VENV)/bin/incident-hub serve --demo --port $(PORT)

test:
	rm -rf $(TEST_VENV)
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/pip install --quiet --upgrade pip
	$(TEST_VENV)/bin/pip install --quiet -e '.[dev]'
	$(TEST_VENV)/bin/ruff check .
	$(TEST_VENV)/bin/mypy hub schema
	$(TEST_VENV)/bin/python -m pytest -q
