# The two commands that matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export SECRET_KEY_FILE ?= $(CURDIR)/instance/secret_key
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres e2e check-migrations check-courses lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

run: $(VENV)/.installed-runtime instance/secret_key
	$(BIN)/flask db upgrade
	$(BIN)/flask courses sync
	$(BIN)/flask demo
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-dev
	env -u TEST_DATABASE_URL $(BIN)/pytest -m "not e2e"
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(BIN)/pytest -m "not e2e"; \
	fi

# `make test` runs SQLite first; this runs only the PostgreSQL pass.
test-postgres: $(VENV)/.installed-dev
	@test -n "$$TEST_DATABASE_URL" || (echo "set TEST_DATABASE_URL" && exit 1)
	env -u TEST_DATABASE_URL $(BIN)/pytest -m "not e2e"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

e2e: $(VENV)/.installed-dev node_modules/.installed
	@test -x /usr/bin/chromium || (echo "Install Debian's chromium: apt-get install chromium" && exit 1)
	$(BIN)/pytest -m e2e tests/e2e

check-migrations: $(VENV)/.installed-dev
	rm -f /tmp/exchange-learning-migrations.db
	DATABASE_URL=sqlite:////tmp/exchange-learning-migrations.db SECRET_KEY=check $(BIN)/flask db upgrade
	DATABASE_URL=sqlite:////tmp/exchange-learning-migrations.db SECRET_KEY=check $(BIN)/flask db check

check-courses: $(VENV)/.installed-dev
	SECRET_KEY=check $(BIN)/flask courses check courses

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Benchmarks (bench/README.md): `flask courses sync` of a generated 200-lesson tree, cold and
# warm (also on PostgreSQL when TEST_DATABASE_URL is set), the cohort dashboard for 300
# learners x 40 items (SQLite and PostgreSQL), then the lesson reader under wrk
# against a bare view. They report targets; they do not fail on a miss.
bench: $(VENV)/.installed-runtime
	@command -v wrk >/dev/null || (echo "Install wrk: apt-get install -y wrk" && exit 1)
	$(BIN)/python -m bench.sync_bench $${TEST_DATABASE_URL:+--database-url "$$TEST_DATABASE_URL"}
	$(BIN)/python -m bench.dashboard_bench $${TEST_DATABASE_URL:+--database-url "$$TEST_DATABASE_URL"}
	$(BIN)/python -m bench.lesson_bench

clean:
	rm -rf $(VENV) node_modules
