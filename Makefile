# Démarche: every target creates and reuses .venv itself; a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAGE ?= dev
PORT ?= 8000
DEPLOY_BUCKET ?=
REGION ?=
STAMP := $(VENV)/.installed
# The ALTCHA widget (proof of work), fetched from npm by the build, never copied in by hand: served at /static/altcha.js
ALTCHA_VERSION := 3.2.2
ALTCHA_JS := chalicelib/web/static/npm/altcha.js

.PHONY: run test package deploy bench clean

$(ALTCHA_JS): Makefile
	rm -rf build/npm && mkdir -p build/npm $(dir $(ALTCHA_JS))
	cd build/npm && npm pack --silent altcha@$(ALTCHA_VERSION) >/dev/null && tar xzf altcha-$(ALTCHA_VERSION).tgz
	cp build/npm/package/dist/main/altcha.min.js $(ALTCHA_JS)
	cp build/npm/package/LICENSE.txt $(dir $(ALTCHA_JS))altcha.LICENSE.txt

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 needs pip<26.3
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## make run: the whole system locally on http://127.0.0.1:$(PORT), no AWS account needed
run: $(STAMP) $(ALTCHA_JS)
	PORT=$(PORT) $(BIN)/python -m localdev

## make test: the linter and the formatter's check (ruff.toml), then the whole test suite
test: $(STAMP) $(ALTCHA_JS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make package STAGE=dev|prod: CloudFormation template, deployment zip and parameters in dist/$(STAGE)/, offline
package: $(STAMP) $(ALTCHA_JS)
	$(BIN)/python -m infra.package --stage $(STAGE) --out dist/$(STAGE)

## make deploy STAGE=prod DEPLOY_BUCKET=my-bucket [REGION=eu-west-1] [PREVIEW=1]: package, then deploy the stack
deploy: package
	$(BIN)/python -m infra.deploy --stage $(STAGE) --bucket "$(DEPLOY_BUCKET)" \
		$(if $(REGION),--region $(REGION)) $(if $(PREVIEW),--preview)

## make bench: every benchmark in bench/, one table, written to bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist vendor .pytest_cache build $(dir $(ALTCHA_JS))
