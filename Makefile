# The two commands a newcomer needs (see README):
#   make demo   -- set everything up and open demo.ipynb in JupyterLab
#                  (make demo HEADLESS=1 executes it to demo.html and exits)
#   make test   -- set everything up and run every test: JS unit, lint, Python,
#                  real-browser (JupyterLab 4 + Notebook 7), Dask/PySpark
# Each creates .venv, installs the Python and npm packages and builds the widget.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.causal_magic-installed
BUNDLE := causal_magic/static/widget.js

.PHONY: demo test setup js lint pytest clean

setup: $(STAMP) $(BUNDLE)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(BUNDLE): node_modules/.package-lock.json $(wildcard js/*.js js/*.css js/*.json)
	npm run build

$(STAMP): $(VENV)/bin/python pyproject.toml $(BUNDLE)
	$(PY) -m pip install --quiet -e ".[test,distributed]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (causal_magic)" >/dev/null
	touch $(STAMP)

demo: setup
ifdef HEADLESS
	$(VENV)/bin/jupyter nbconvert --to html --execute demo.ipynb --output demo.html
	@echo "wrote demo.html"
else
	$(VENV)/bin/jupyter lab demo.ipynb
endif

js: setup
	npm test
	npm run lint

lint: setup
	$(VENV)/bin/ruff check causal_magic tests benchmarks scripts
	$(VENV)/bin/ruff format --check causal_magic tests benchmarks scripts

pytest: setup
	$(VENV)/bin/pytest -m "not distributed" -q
	$(VENV)/bin/pytest -m distributed -q

test: js lint pytest

clean:
	rm -rf $(VENV) node_modules causal_magic/static artifacts demo.html
