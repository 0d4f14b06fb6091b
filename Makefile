# rasim — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMPS := .make-stamps
DEBIAN_PACKAGES := pcscd vsmartcard-vpcd pcsc-tools opensc swig libpcsclite-dev \
                   chromium fonts-ipafont-gothic postgresql wrk
PORT ?= 8080
# `make run EDITION=2026` serves the current system (manual 003, 利用者ID); the default is 2024 (the FAQ's)
EDITION ?=
EDITION_FLAG := $(if $(EDITION),--edition $(EDITION))

.PHONY: run test install system-deps lint clean

$(STAMPS):
	mkdir -p $(STAMPS)

# Debian packages (pcscd + vpcd for the virtual card, Chromium for the screens,
# PostgreSQL for the multi-process tests). Installed only when running as root and
# only when something is missing.
system-deps: | $(STAMPS)
	@if [ "$$(id -u)" = "0" ]; then \
	  missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	  fi; \
	else echo "not root: skipping Debian packages ($(DEBIAN_PACKAGES))"; fi

$(STAMPS)/venv: pyproject.toml | $(STAMPS)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: system-deps $(STAMPS)/venv

run: system-deps $(STAMPS)/venv
	$(VENV)/bin/rasim db upgrade
	$(VENV)/bin/rasim seed --demo $(EDITION_FLAG)
	$(VENV)/bin/rasim serve --host 127.0.0.1 --port $(PORT) $(EDITION_FLAG)

# Every test: pass 1 on SQLite (unit, integration — security, concurrency on `rasim serve` with 1 and 4
# workers, schemathesis over the OpenAPI document —, card on pcscd, browser on Chromium, FAQ scenarios
# in-process); pass 2 the account, security, concurrency and schemathesis tests and the current system's
# scenarios again on a real PostgreSQL server that the tests start themselves, plus the applications API and
# the multi-process tests (the FAQ's scenarios run in process on SQLite and over HTTP; on PostgreSQL only by
# `RASIM_TEST_DATABASE=postgres pytest tests/test_conformance_inprocess.py`, to keep make test under 45 min); pass 3 the screens and account flows under edition 2026 (test_editions.py); pass 4 the
# conformance runs over HTTP: the FAQ's suite against a 2024 simulator, the current system's (features/2026/)
# against a 2026 simulator.
test: install
	$(VENV)/bin/ruff check simulator virtual_card conformance tests
	$(PY) -m pytest -p no:cacheprovider tests --ignore=tests/postgres
	RASIM_TEST_DATABASE=postgres $(PY) -m pytest -p no:cacheprovider \
	    tests/integration/test_accounts_api.py tests/integration/test_access.py \
	    tests/integration/test_hostile.py tests/integration/test_smtp.py \
	    tests/integration/test_security.py tests/integration/test_concurrency.py \
	    tests/integration/test_openapi_fuzz.py \
	    tests/integration/test_applications_api.py tests/integration/test_applications_list_api.py \
	    tests/integration/test_bulk_api.py tests/integration/test_bulk_2026.py \
	    tests/test_conformance_2026_inprocess.py tests/postgres
	RASIM_EDITION=2026 $(PY) -m pytest -p no:cacheprovider tests/integration/test_editions.py
	$(VENV)/bin/rasim conformance run --report artifacts/conformance
	$(VENV)/bin/rasim conformance run --edition 2026 --report artifacts/conformance-2026

lint: install
	$(VENV)/bin/ruff check simulator virtual_card conformance tests

clean:
	rm -rf $(VENV) $(STAMPS) artifacts var
