# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
FLASK  := $(PY) -m flask --app wsgi

.PHONY: run test check lint clean-venv

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	@if [ ! -f instance/.demo-loaded ]; then $(FLASK) demo && touch instance/.demo-loaded; fi
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev-installed
	$(PY) -m pytest

check: $(VENV)/.installed
	$(FLASK) course check

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check course tests bench

clean-venv:
	rm -rf $(VENV)
