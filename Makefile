# 经开区技能大师工作室管理平台 — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup test-postgres lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# Sets up everything and serves the platform on http://127.0.0.1:$(PORT) (SQLite, demo data, demo
# clock); `make run PORT=8080` for another port. Prints the demo accounts and how to sign in.
PORT ?= 8000
run: export DEBUG = true
run: $(STAMP)
	@case "$(PORT)" in ''|*[!0-9]*) echo "PORT 应为端口号（数字），如 make run PORT=8080" >&2; exit 2;; esac
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py demo_data
	@echo "平台地址：http://127.0.0.1:$(PORT)/ （演示账号和登录说明见上）"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Sets up everything and runs the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(STAMP)
	scripts/system-deps.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff: the format and the lint rules of pyproject.toml, zero findings (CI runs it before the tests).
LINTED := src tests bench scripts
lint: $(STAMP)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/ruff check $(LINTED)

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(MAKE) test

# The platform as in production (2 × gunicorn, PostgreSQL, Redis) on the large generated data set:
# every key page against the empty view on deadline day (while units autosave and submit, reviewers
# and experts save) and read-only, exports, PDFs, the daily command, a 50 MB upload, a simulated
# year and eligibility evaluations (bench/bench_eligibility.py). Targets: docs/performance.md.
bench: $(STAMP)
	bench/services.sh
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
