#!/usr/bin/env bash
# 第二条命令：安装测试依赖并运行全部检查与测试。SQLite 上必跑；能连上 PostgreSQL 时再跑一遍。
# Exit 0 only when everything passes. RENCAI_REQUIRE_POSTGRES=1 (set by .ci/run) makes an
# unreachable PostgreSQL a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

# Browser tests drive Debian's Chromium, one import test converts a CSV with LibreOffice Calc,
# the report's PDF preview is made by LibreOffice Writer with stand-ins for the offices' fonts
# (rencai/reports/pdf.py) and read back with pdftotext; install them when we can (root with
# apt), as CI does.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
installed libreoffice-writer-nogui || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
for font in fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei; do
  installed "$font" || missing+=("$font")
done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing[*]} (apt) for the browser and LibreOffice tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

export RENCAI_DATA_DIR="${RENCAI_TEST_DATA_DIR:-$(mktemp -d)}"

echo "== tests on SQLite"
RENCAI_DATABASE_URL="" .venv/bin/pytest "$@"

PG_HOST=${RENCAI_TEST_PG_HOST:-127.0.0.1}
PG_PORT=${RENCAI_TEST_PG_PORT:-5432}
PG_USER=${RENCAI_TEST_PG_USER:-postgres}
if .venv/bin/python - "$PG_HOST" "$PG_PORT" "$PG_USER" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(host=sys.argv[1], port=sys.argv[2], user=sys.argv[3], dbname="postgres",
                connect_timeout=3).close()
PY
then
  db="rencai_test_$(date +%s)_$$"
  echo "== tests on PostgreSQL ($PG_HOST:$PG_PORT, database test_$db)"
  RENCAI_DATABASE_URL="postgresql://$PG_USER@$PG_HOST:$PG_PORT/$db" \
    .venv/bin/pytest --create-db -p no:cacheprovider "$@"
elif [ "${RENCAI_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL at $PG_HOST:$PG_PORT is not reachable, and this run requires it" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_HOST:$PG_PORT: skipped the PostgreSQL run"
fi
