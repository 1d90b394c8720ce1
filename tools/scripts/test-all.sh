#!/usr/bin/env bash
# npm test: installs and starts what the tests need (npm deps, ClickHouse, Kafka), builds,
# type-checks what the build leaves out (tests, benchmarks), lints (module boundaries
# included), then runs unit, integration and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/scripts/ensure-deps.sh
bash tools/infra/infra.sh start all
node tools/scripts/build.js
# jest compiles with swc, which strips types without checking them, and the build skips tests
# and tools: tsconfig.json covers everything.
echo "[test] type-check tests and tools"
npx tsc -p tsconfig.json --noEmit
echo "[test] lint (module boundaries enforced)"
npx nx run-many -t lint --all --skip-nx-cache --outputStyle=static
mkdir -p tmp
status=0
for project in unit integration e2e; do
  echo "[test] jest --selectProjects $project"
  npx jest --selectProjects "$project" --runInBand --passWithNoTests --json --outputFile="tmp/jest-$project.json" || status=1
done
node tools/scripts/test-summary.js tmp/jest-unit.json tmp/jest-integration.json tmp/jest-e2e.json
exit $status
