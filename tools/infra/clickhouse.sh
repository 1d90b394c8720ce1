#!/usr/bin/env bash
# ClickHouse (Debian's clickhouse-server 18.16) as a project-owned process on loopback.
# Usage: clickhouse.sh start|stop|status|reset   (or source it and call ch_* functions)
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
# Per-query and all-queries memory ceilings (bytes). 18.16 has no server-wide limit.
CLICKHOUSE_MAX_MEMORY_USAGE="${CLICKHOUSE_MAX_MEMORY_USAGE:-2000000000}"
CLICKHOUSE_MAX_MEMORY_ALL="${CLICKHOUSE_MAX_MEMORY_ALL:-3000000000}"
CLICKHOUSE_START_TIMEOUT="${CLICKHOUSE_START_TIMEOUT:-60}"

CH_DIR="$CNOSDB_DATA_DIR/clickhouse"
CH_DB_DIR="$CH_DIR/db"
CH_TMP_DIR="$CH_DIR/tmp"
CH_USER_FILES_DIR="$CH_DIR/user_files"
CH_FORMAT_SCHEMA_DIR="$CH_DIR/format_schemas"
CH_LOG_DIR="$CH_DIR/log"
CH_PIDFILE="$CH_DIR/clickhouse-server.pid"
CH_PID_MATCH="clickhouse"
CH_URL="http://127.0.0.1:$CLICKHOUSE_HTTP_PORT"

ch_ping() {
  [[ "$(curl -s --max-time 2 "$CH_URL/ping" 2>/dev/null || true)" == "Ok." ]]
}

ch_ensure_installed() {
  local need=()
  command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server)
  command -v clickhouse-client >/dev/null 2>&1 || need+=(clickhouse-client)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  [[ ${#need[@]} -eq 0 ]] && return 0
  log "clickhouse: installing ${need[*]} from Debian"
  apt_install "${need[@]}"
  # We never use the system service. If the package's postinst started it (hosts with a real
  # init system and no policy-rc.d), stop + disable it so it does not occupy our ports.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet clickhouse-server 2>/dev/null; then
    log "clickhouse: stopping + disabling the package's systemd service (we run our own)"
    systemctl stop clickhouse-server || true
    systemctl disable clickhouse-server >/dev/null 2>&1 || true
  elif ch_ping && [[ -x /etc/init.d/clickhouse-server ]]; then
    log "clickhouse: stopping the package's init.d service (we run our own)"
    /etc/init.d/clickhouse-server stop >&2 || true
    if command -v update-rc.d >/dev/null 2>&1; then
      update-rc.d clickhouse-server disable >/dev/null 2>&1 || true
    fi
  fi
  command -v clickhouse-server >/dev/null 2>&1 || die "clickhouse-server still missing after apt install"
}

ch_render_config() {
  mkdir -p "$CH_DB_DIR" "$CH_TMP_DIR" "$CH_USER_FILES_DIR" "$CH_FORMAT_SCHEMA_DIR" "$CH_LOG_DIR"
  render_template "$INFRA_DIR/clickhouse/config.xml.tmpl" "$CH_DIR/config.xml" \
    CH_LOG_DIR CH_DB_DIR CH_TMP_DIR CH_USER_FILES_DIR CH_FORMAT_SCHEMA_DIR \
    CLICKHOUSE_HTTP_PORT CLICKHOUSE_TCP_PORT
  render_template "$INFRA_DIR/clickhouse/users.xml.tmpl" "$CH_DIR/users.xml" \
    CLICKHOUSE_MAX_MEMORY_USAGE CLICKHOUSE_MAX_MEMORY_ALL
}

ch_log_tail() {
  local f
  for f in "$CH_LOG_DIR/stdout.log" "$CH_LOG_DIR/clickhouse-server.err.log" "$CH_LOG_DIR/clickhouse-server.log"; do
    [[ -s "$f" ]] || continue
    log "---- tail -n 40 $f"
    tail -n 40 "$f" >&2
  done
}

# Background merges at a low CPU priority (decision 0010). ClickHouse 18.16 runs merges on a
# pool of 16 threads created at startup and has no setting for their priority (os_thread_priority
# came later), so on a 2-core machine merges competed with INSERTs and queries on equal terms:
# standalone ingest sustained 120k rows/s with a paced ack p99 of 747 ms at 96k, and 147k rows/s
# with a p99 of 264 ms at 100k once the pool ran at nice 19. Merges still get every idle cycle,
# and ClickHouse itself slows INSERTs down when parts pile up (parts_to_delay_insert).
# CLICKHOUSE_MERGE_NICE=0 turns this off.
ch_lower_merge_priority() {
  local pid="$1" nice="${CLICKHOUSE_MERGE_NICE:-19}" task n=0
  [[ "$nice" == 0 ]] && return 0
  for task in /proc/"$pid"/task/*; do
    [[ "$(cat "$task/comm" 2>/dev/null)" == BackgrProcPool ]] || continue
    renice -n "$nice" -p "${task##*/}" >/dev/null 2>&1 && n=$((n + 1))
  done
  if ((n > 0)); then
    log "clickhouse: $n background merge threads at nice $nice"
  else
    log "clickhouse: note: no BackgrProcPool threads found in pid $pid; merges keep the default priority"
  fi
}

ch_start() {
  local pid i
  if ch_ping; then
    if pid="$(pid_from_file "$CH_PIDFILE" "$CH_PID_MATCH")"; then
      log "clickhouse: already running (pid $pid, http $CLICKHOUSE_HTTP_PORT, tcp $CLICKHOUSE_TCP_PORT) - reused"
      ch_lower_merge_priority "$pid"
    else
      log "clickhouse: a server already answers on $CH_URL (not started by infra.sh) - reused"
    fi
    return 0
  fi
  if pid="$(pid_from_file "$CH_PIDFILE" "$CH_PID_MATCH")"; then
    # Our process exists but does not answer yet (e.g. started by a parallel call): wait for it.
    log "clickhouse: pid $pid exists but does not answer yet; waiting"
  else
    rm -f "$CH_PIDFILE"
    if port_open 127.0.0.1 "$CLICKHOUSE_HTTP_PORT" || port_open 127.0.0.1 "$CLICKHOUSE_TCP_PORT"; then
      die "clickhouse: port $CLICKHOUSE_HTTP_PORT or $CLICKHOUSE_TCP_PORT is taken by something that is not a ClickHouse answering /ping"
    fi
    ch_ensure_installed
    ch_render_config
    log "clickhouse: starting $(clickhouse-server --version 2>/dev/null | head -n1 || echo clickhouse-server) (data: $CH_DIR)"
    # Runs as the invoking user (root on dev/CI machines): avoids ownership trouble with
    # the package's 'clickhouse' user. No system service involved.
    (
      cd "$CH_DIR"
      close_inherited_fds
      nohup setsid clickhouse-server --config-file="$CH_DIR/config.xml" \
        </dev/null >>"$CH_LOG_DIR/stdout.log" 2>&1 9>&- &
      echo $! >"$CH_PIDFILE"
    )
    pid="$(cat "$CH_PIDFILE")"
  fi
  progress "[infra] clickhouse: waiting for $CH_URL/ping (pid $pid, timeout ${CLICKHOUSE_START_TIMEOUT}s) "
  for ((i = 0; i < CLICKHOUSE_START_TIMEOUT * 2; i++)); do
    if ch_ping; then
      progress $' ok\n'
      log "clickhouse: ready (pid $pid, http $CLICKHOUSE_HTTP_PORT, tcp $CLICKHOUSE_TCP_PORT) after $((i / 2))s"
      ch_lower_merge_priority "$pid"
      return 0
    fi
    if [[ ! -d "/proc/$pid" ]]; then
      progress $' died\n'
      rm -f "$CH_PIDFILE"
      ch_log_tail
      die "clickhouse: server process exited during startup"
    fi
    ((i % 2 == 0)) && progress "."
    sleep 0.5
  done
  progress $' timeout\n'
  ch_log_tail
  die "clickhouse: no Ok. from $CH_URL/ping after ${CLICKHOUSE_START_TIMEOUT}s (pid $pid left running; see $CH_LOG_DIR)"
}

ch_stop() {
  stop_pidfile clickhouse "$CH_PIDFILE" "$CH_PID_MATCH" 60
  if ch_ping; then
    log "clickhouse: note: a server not managed by infra.sh still answers on $CH_URL"
  fi
}

ch_status() {
  local pid
  if pid="$(pid_from_file "$CH_PIDFILE" "$CH_PID_MATCH")"; then
    if ch_ping; then
      echo "clickhouse: running (pid $pid, http 127.0.0.1:$CLICKHOUSE_HTTP_PORT, tcp 127.0.0.1:$CLICKHOUSE_TCP_PORT, data $CH_DIR)"
    else
      echo "clickhouse: starting/unhealthy (pid $pid, http 127.0.0.1:$CLICKHOUSE_HTTP_PORT not answering /ping)"
      return 1
    fi
  elif ch_ping; then
    echo "clickhouse: running (external, not managed by infra.sh; http 127.0.0.1:$CLICKHOUSE_HTTP_PORT)"
  else
    echo "clickhouse: stopped"
    return 1
  fi
}

ch_reset() {
  ch_stop
  if [[ -d "$CH_DIR" ]]; then
    log "clickhouse: deleting $CH_DIR"
    rm -rf "$CH_DIR"
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-start}" in
    start) infra_lock; ch_start ;;
    stop) infra_lock; ch_stop ;;
    status) ch_status ;;
    reset) infra_lock; ch_reset ;;
    *) die "usage: $0 start|stop|status|reset" ;;
  esac
fi
