# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
FLASK  := $(PY) -m flask --app wsgi

.PHONY: run test test-browser test-two-servers screenshots check lint clean-venv

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The OpenID Connect provider the school sign-in tests run against (npm's oidc-provider, pinned in
# tests/oidc/package-lock.json). Without npm the tests say so and skip; in CI (CI set) they fail.
OIDC_PROVIDER := tests/oidc/node_modules/.installed

$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "npm not found: the school sign-in (OpenID Connect) tests cannot run. apt-get install nodejs npm"; \
	fi

# Served by gunicorn, as on a school server (gunicorn.conf.py), with two workers on this computer.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	@if [ ! -f instance/.demo-loaded ]; then $(FLASK) demo && touch instance/.demo-loaded; fi
	@echo "Open http://127.0.0.1:$(PORT) in your browser; Ctrl+C stops the server."
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(PY) -m gunicorn -c gunicorn.conf.py \
		--bind 127.0.0.1:$(PORT) wsgi:app

# The SQLite pass always runs; the PostgreSQL pass runs when TEST_DATABASE_URL names a server. The two
# run side by side (each keeps about one core busy), and PostgreSQL's report is printed after SQLite's.
# The browser tests (marked `browser`) run in the SQLite pass when /usr/bin/chromium exists and skip
# with one line saying how to install it otherwise; the PostgreSQL pass skips them (they ran already).
# The pure tests in tests/unit touch no database and run in the SQLite pass only.
test: $(VENV)/.dev-installed $(OIDC_PROVIDER)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== tests on SQLite, with the PostgreSQL pass ($$TEST_DATABASE_URL) running beside it"; \
		report=$$(mktemp); \
		$(PY) -m pytest -p no:cacheprovider >"$$report" 2>&1 & postgres_pid=$$!; \
		TEST_DATABASE_URL= $(PY) -m pytest; sqlite_status=$$?; \
		wait $$postgres_pid; postgres_status=$$?; \
		echo "== tests on PostgreSQL ($$TEST_DATABASE_URL)"; cat "$$report"; rm -f "$$report"; \
		[ $$sqlite_status -eq 0 ] && [ $$postgres_status -eq 0 ]; \
	else \
		echo "== tests on SQLite"; \
		TEST_DATABASE_URL= $(PY) -m pytest || exit 1; \
		echo "== PostgreSQL pass skipped: TEST_DATABASE_URL is not set."; \
		echo "   To run it: TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test"; \
	fi

# Only the journeys and accessibility checks in headless Chromium; screenshots go to tests/artifacts/.
test-browser: $(VENV)/.dev-installed $(OIDC_PROVIDER)
	TEST_DATABASE_URL= $(PY) -m pytest -m browser

# The pictures in the README (docs/screenshots/): the demo school on a throwaway SQLite database,
# shown by headless Chromium (/usr/bin/chromium; apt-get install chromium) on a phone and a laptop.
screenshots: $(VENV)/.dev-installed
	$(PY) -m tests.browser.screenshots

# Two gunicorn servers behind nginx on PostgreSQL and Redis (docs/deployment.md). Needs nginx and
# redis-server from Debian's packages and a PostgreSQL server; TEST_DATABASE_URL names it.
TWO_SERVERS_DB ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
test-two-servers: $(VENV)/.dev-installed
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(TWO_SERVERS_DB)} $(PY) -m pytest -v tests/test_two_servers.py

check: $(VENV)/.installed
	$(FLASK) course check

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check course tests bench

clean-venv:
	rm -rf $(VENV)
