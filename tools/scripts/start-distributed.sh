#!/usr/bin/env bash
# npm run start:distributed: Kafka, ClickHouse and every app as its own process.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/ensure-deps.sh
bash tools/infra/infra.sh start all
node tools/scripts/build.js
exec node tools/scripts/topology.js distributed
