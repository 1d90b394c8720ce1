#!/usr/bin/env bash
# Local infrastructure for cnosdb-ts: ClickHouse 18.16 + Kafka 3.9 (KRaft) on loopback, real servers.
#
#   bash tools/infra/infra.sh start  [clickhouse|kafka|all]   start (reuses what already runs)
#   bash tools/infra/infra.sh stop   [clickhouse|kafka|all]   stop by pid file, wait for exit
#   bash tools/infra/infra.sh status [clickhouse|kafka|all]   one line per component; exit 1 if any is down
#   bash tools/infra/infra.sh reset  [clickhouse|kafka|all]   stop + delete its data
#
# Environment: CNOSDB_DATA_DIR (default <repo>/.data), CLICKHOUSE_HTTP_PORT (8123),
# CLICKHOUSE_TCP_PORT (9000), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093). See README.md.
set -euo pipefail
INFRA_SELF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=clickhouse.sh
source "$INFRA_SELF_DIR/clickhouse.sh"
# shellcheck source=kafka.sh
source "$INFRA_SELF_DIR/kafka.sh"

usage() {
  sed -n '4,7p' "$INFRA_SELF_DIR/infra.sh" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd="${1:-}"
target="${2:-all}"
[[ -n "$cmd" ]] || usage
case "$target" in
  all) components=(clickhouse kafka) ;;
  clickhouse | ch) components=(clickhouse) ;;
  kafka) components=(kafka) ;;
  *) usage ;;
esac

run() { # run <action> <component>
  case "$2" in
    clickhouse) "ch_$1" ;;
    kafka) "kafka_$1" ;;
  esac
}

rc=0
case "$cmd" in start | stop | reset) infra_lock ;; esac
case "$cmd" in
  start)
    t0=$SECONDS
    for c in "${components[@]}"; do run start "$c"; done
    log "start done in $((SECONDS - t0))s (data dir: $CNOSDB_DATA_DIR)"
    ;;
  stop)
    # stop in reverse order (kafka first), each waits for its process to exit
    for ((i = ${#components[@]} - 1; i >= 0; i--)); do run stop "${components[$i]}"; done
    ;;
  status)
    for c in "${components[@]}"; do run status "$c" || rc=1; done
    ;;
  reset)
    for ((i = ${#components[@]} - 1; i >= 0; i--)); do run reset "${components[$i]}"; done
    ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
exit "$rc"
