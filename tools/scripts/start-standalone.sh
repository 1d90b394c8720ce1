#!/usr/bin/env bash
# npm start: everything a fresh machine needs, then the standalone server on port 8902.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/ensure-deps.sh
bash tools/infra/infra.sh start clickhouse
node tools/scripts/build.js
echo "[start] starting standalone mode (CLICKHOUSE_URL=${CLICKHOUSE_URL:-http://127.0.0.1:8123})"
exec node tools/scripts/run-app.js standalone
