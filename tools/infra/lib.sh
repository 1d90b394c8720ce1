#!/usr/bin/env bash
# Shared helpers for tools/infra/*.sh. Source it; do not execute it.
# Everything here is loopback-only and keeps its state under $CNOSDB_DATA_DIR.

set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"
CNOSDB_DATA_DIR="${CNOSDB_DATA_DIR:-$REPO_ROOT/.data}"
export CNOSDB_DATA_DIR
export DEBIAN_FRONTEND=noninteractive

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# Print progress without a newline (dots while waiting).
progress() { printf '%s' "$*" >&2; }

# port_open HOST PORT -> 0 when something accepts TCP connections there.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# pid_from_file PIDFILE MATCH -> prints the pid when it is alive and its command
# line contains MATCH (guards against a recycled pid); returns 1 otherwise.
pid_from_file() {
  local pidfile="$1" match="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$match" || return 1
  printf '%s\n' "$pid"
}

# stop_pidfile NAME PIDFILE MATCH [TIMEOUT_S] -> TERM, wait, then KILL.
stop_pidfile() {
  local name="$1" pidfile="$2" match="$3" wait_s="${4:-30}" pid i
  if ! pid="$(pid_from_file "$pidfile" "$match")"; then
    rm -f "$pidfile"
    log "$name: not running (no live pid file)"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 2; i++)); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.5
  done
  if [[ -d "/proc/$pid" ]]; then
    log "$name: still alive after ${wait_s}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.5
    done
  fi
  [[ -d "/proc/$pid" ]] && die "$name: pid $pid did not exit"
  rm -f "$pidfile"
  log "$name: stopped"
}

# render_template SRC DST VAR... -> copies SRC to DST replacing @@VAR@@ by ${VAR}.
render_template() {
  local src="$1" dst="$2" tmp var val
  shift 2
  tmp="$(mktemp "$dst.XXXXXX")"
  cp "$src" "$tmp"
  for var in "$@"; do
    val="${!var}"
    # escape sed replacement specials
    val="$(printf '%s' "$val" | sed -e 's/[\/&|]/\\&/g')"
    sed -i "s|@@${var}@@|${val}|g" "$tmp"
  done
  if grep -q '@@[A-Z_]*@@' "$tmp"; then
    rm -f "$tmp"
    die "unrendered placeholder left in $dst"
  fi
  mv -f "$tmp" "$dst"
}

# apt_install PKG... -> apt-get update once per process, then install.
_APT_UPDATED=0
apt_install() {
  [[ "$(id -u)" == 0 ]] || die "need root to apt-get install $*"
  local aptlog
  mkdir -p "$CNOSDB_DATA_DIR"
  aptlog="$CNOSDB_DATA_DIR/apt-install.log"
  if [[ "$_APT_UPDATED" == 0 ]]; then
    log "apt-get update"
    apt-get update -qq </dev/null >"$aptlog" 2>&1 || { tail -n 30 "$aptlog" >&2; die "apt-get update failed"; }
    _APT_UPDATED=1
  fi
  log "apt-get install -y $* (log: $aptlog)"
  apt-get install -y -q --no-install-recommends "$@" </dev/null >>"$aptlog" 2>&1 \
    || { tail -n 30 "$aptlog" >&2; die "apt-get install $* failed"; }
}

# listeners_on PORT -> prints the local addresses listening on PORT (for status/verification).
listeners_on() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltn "sport = :$1" 2>/dev/null | awk '{print $4}' | sort -u | paste -sd, -
}

# infra_lock -> serialize start/stop/reset across concurrent callers (same data dir).
_INFRA_LOCKED=0
infra_lock() {
  [[ "$_INFRA_LOCKED" == 1 ]] && return 0
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$CNOSDB_DATA_DIR"
  exec 9>"$CNOSDB_DATA_DIR/.infra.lock"
  if ! flock -n 9; then
    log "another infra.sh holds $CNOSDB_DATA_DIR/.infra.lock; waiting (max 300s)"
    flock -w 300 9 || die "timed out waiting for $CNOSDB_DATA_DIR/.infra.lock"
  fi
  _INFRA_LOCKED=1
}

# Closes every inherited file descriptor above stderr in the current (sub)shell, so a
# daemon started from it never holds a caller's lock file (e.g. `flock … npm test`) or pipe.
close_inherited_fds() {
  local fd n
  for fd in /proc/$BASHPID/fd/*; do
    n=${fd##*/}
    if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
  done
}
