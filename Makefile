# Ratsakten: `make run` sets everything up and processes samples/; `make test` sets up and tests.
# Both are safe to repeat: each step only does what is missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup system venv run test test-slow bench evaluate figures clean

setup: system venv

system:
	@bash scripts/setup_system.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing Python packages into $(VENV) (log: $(VENV)/pip.log)"
	@$(PY) -m pip install --quiet --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(PY) -m pip install --quiet -e '.[dev,build,bench]' >> $(VENV)/pip.log 2>&1 || (tail -40 $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

venv: $(STAMP)

run: setup
	$(PY) cli.py run samples --out outputs

test: setup
	@bash scripts/setup_system.sh --browser
	$(PY) -m pytest -q

test-slow: setup
	$(PY) -m pytest -q -m slow

evaluate: run
	$(PY) cli.py evaluate outputs samples

# the README's measured figures, regenerated from the current code (scripts/readme_figures.py)
figures: setup
	$(PY) scripts/readme_figures.py

clean:
	rm -rf outputs/* .pytest_cache
