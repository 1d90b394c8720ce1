#!/usr/bin/env bash
# Installs the npm dependencies from the lockfile when they are missing or stale.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] installing npm dependencies from package-lock.json"
  npm ci --no-audit --no-fund
else
  echo "[deps] npm dependencies up to date"
fi
