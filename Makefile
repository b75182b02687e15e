# Démarche: every target creates and reuses .venv itself; a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAGE ?= dev
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test package clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## make run: the whole system locally on http://127.0.0.1:$(PORT), no AWS account needed
run: $(STAMP)
	PORT=$(PORT) $(BIN)/python -m localdev

## make test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make package STAGE=dev|prod: CloudFormation template and deployment zip in dist/$(STAGE)/, offline
package: $(STAMP)
	$(BIN)/python infra/package.py --stage $(STAGE) --out dist/$(STAGE)

clean:
	rm -rf $(VENV) dist vendor .pytest_cache
