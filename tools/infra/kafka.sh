#!/usr/bin/env bash
# Apache Kafka 3.9 (KRaft single node, jars from Maven Central) as a project-owned process on loopback.
# Usage: kafka.sh start|stop|status|reset
#        kafka.sh run <main-class> [args...]   run a Kafka CLI class with the resolved jars
#        kafka.sh topics [args...]             = run org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:$KAFKA_PORT ...
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

KAFKA_DIR="$CNOSDB_DATA_DIR/kafka"
KAFKA_LIB="$KAFKA_DIR/lib"               # resolved jars (kept by `reset`)
KAFKA_CONF_DIR="$KAFKA_DIR/config"
KAFKA_LOG_DIRS="$KAFKA_DIR/data"          # topic partitions + KRaft metadata log
KAFKA_LOG_DIR="$KAFKA_DIR/logs"           # broker's own log files
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster-id"
KAFKA_PID_MATCH="kafka.Kafka"
KAFKA_POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_TOOLS_LOG4J="$INFRA_DIR/kafka/tools-log4j.properties"

kafka_ensure_tools() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  [[ ${#need[@]} -eq 0 ]] && return 0
  log "kafka: installing ${need[*]} from Debian"
  apt_install "${need[@]}"
}

kafka_pom_hash() { sha256sum "$KAFKA_POM" | cut -d' ' -f1; }

# Resolve the jars only when lib/ is missing or was resolved from another pom.xml.
kafka_ensure_jars() {
  local want have=""
  want="$(kafka_pom_hash)"
  [[ -f "$KAFKA_LIB/.resolved" ]] && have="$(cat "$KAFKA_LIB/.resolved")"
  if [[ "$have" == "$want" ]] && compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  kafka_ensure_tools
  log "kafka: resolving Kafka jars from Maven Central into $KAFKA_LIB (mvn dependency:copy-dependencies)"
  rm -rf "$KAFKA_LIB" "$KAFKA_LIB.tmp"
  mkdir -p "$KAFKA_LIB.tmp"
  mkdir -p "$KAFKA_DIR"
  mvn -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB.tmp" </dev/null >"$KAFKA_DIR/mvn.log" 2>&1 \
    || { tail -n 50 "$KAFKA_DIR/mvn.log" >&2; die "kafka: maven could not resolve $KAFKA_POM (log: $KAFKA_DIR/mvn.log)"; }
  echo "$want" >"$KAFKA_LIB.tmp/.resolved"
  mv "$KAFKA_LIB.tmp" "$KAFKA_LIB"
  log "kafka: $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars in $KAFKA_LIB"
}

# kafka_java <java args...> : JVM for CLI tools (quiet logging).
kafka_java() {
  java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J" -cp "$KAFKA_LIB/*" "$@"
}

kafka_render_config() {
  mkdir -p "$KAFKA_CONF_DIR" "$KAFKA_LOG_DIRS" "$KAFKA_LOG_DIR"
  render_template "$INFRA_DIR/kafka/server.properties.tmpl" "$KAFKA_CONF_DIR/server.properties" \
    KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_LOG_DIRS
  render_template "$INFRA_DIR/kafka/log4j.properties.tmpl" "$KAFKA_CONF_DIR/log4j.properties" \
    KAFKA_LOG_DIR
}

kafka_ensure_formatted() {
  local cid
  if [[ -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
    return 0
  fi
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    cid="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  else
    cid="$(kafka_java kafka.tools.StorageTool random-uuid </dev/null | tail -n1 | tr -d '[:space:]')"
    [[ "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka: could not generate a cluster id (got '$cid')"
    echo "$cid" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  log "kafka: formatting KRaft storage in $KAFKA_LOG_DIRS (cluster id $cid)"
  kafka_java kafka.tools.StorageTool format --ignore-formatted -t "$cid" \
    -c "$KAFKA_CONF_DIR/server.properties" </dev/null 2>&1 | sed 's/^/[infra]   /' >&2 \
    || die "kafka: StorageTool format failed"
}

# Broker answers metadata requests (a real admin round-trip, not just an open port).
kafka_ready() {
  timeout 30 java -Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J" -cp "$KAFKA_LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --list \
    </dev/null >/dev/null 2>&1
}

kafka_log_tail() {
  local f
  for f in "$KAFKA_LOG_DIR/kafka.out" "$KAFKA_LOG_DIR/server.log"; do
    [[ -s "$f" ]] || continue
    log "---- tail -n 40 $f"
    tail -n 40 "$f" >&2
  done
}

kafka_start() {
  local pid start_ts now elapsed
  if pid="$(pid_from_file "$KAFKA_PIDFILE" "$KAFKA_PID_MATCH")" && port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "kafka: already running (pid $pid, $KAFKA_BOOTSTRAP) - reused"
    return 0
  fi
  if [[ -z "${pid:-}" ]] && port_open 127.0.0.1 "$KAFKA_PORT"; then
    kafka_ensure_jars
    if kafka_ready; then
      log "kafka: a broker already answers on $KAFKA_BOOTSTRAP (not started by infra.sh) - reused"
      return 0
    fi
    die "kafka: port $KAFKA_PORT is taken by something that is not a working Kafka broker"
  fi
  kafka_ensure_jars
  if [[ -z "${pid:-}" ]]; then
    rm -f "$KAFKA_PIDFILE"
    port_open 127.0.0.1 "$KAFKA_CONTROLLER_PORT" \
      && die "kafka: controller port $KAFKA_CONTROLLER_PORT is already taken"
    kafka_ensure_tools
    kafka_render_config
    kafka_ensure_formatted
    log "kafka: starting broker+controller ($(basename "$(compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" | head -n1)" .jar), data: $KAFKA_DIR)"
    (
      cd "$KAFKA_DIR"
      close_inherited_fds
      # shellcheck disable=SC2086
      nohup setsid java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
        -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
        -Dkafka.logs.dir="$KAFKA_LOG_DIR" \
        -Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" \
        -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_CONF_DIR/server.properties" \
        </dev/null >>"$KAFKA_LOG_DIR/kafka.out" 2>&1 9>&- &
      echo $! >"$KAFKA_PIDFILE"
    )
    pid="$(cat "$KAFKA_PIDFILE")"
  else
    log "kafka: pid $pid exists but $KAFKA_BOOTSTRAP is not open yet; waiting"
  fi

  start_ts=$SECONDS
  progress "[infra] kafka: waiting for $KAFKA_BOOTSTRAP (pid $pid, timeout ${KAFKA_START_TIMEOUT}s) "
  while :; do
    elapsed=$((SECONDS - start_ts))
    if [[ ! -d "/proc/$pid" ]]; then
      progress $' died\n'
      rm -f "$KAFKA_PIDFILE"
      kafka_log_tail
      die "kafka: broker process exited during startup"
    fi
    ((elapsed >= KAFKA_START_TIMEOUT)) && break
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      progress "+"
      if kafka_ready; then
        progress $' ok\n'
        now=$((SECONDS - start_ts))
        log "kafka: ready (pid $pid, $KAFKA_BOOTSTRAP, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT) after ${now}s"
        return 0
      fi
    else
      progress "."
    fi
    sleep 1
  done
  progress $' timeout\n'
  kafka_log_tail
  die "kafka: broker not ready after ${KAFKA_START_TIMEOUT}s (pid $pid left running; see $KAFKA_LOG_DIR)"
}

kafka_stop() {
  stop_pidfile kafka "$KAFKA_PIDFILE" "$KAFKA_PID_MATCH" 60
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "kafka: note: something not managed by infra.sh still listens on $KAFKA_BOOTSTRAP"
  fi
}

kafka_status() {
  local pid
  if pid="$(pid_from_file "$KAFKA_PIDFILE" "$KAFKA_PID_MATCH")"; then
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      echo "kafka: running (pid $pid, bootstrap $KAFKA_BOOTSTRAP, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, data $KAFKA_DIR)"
    else
      echo "kafka: starting/unhealthy (pid $pid, $KAFKA_BOOTSTRAP not accepting connections)"
      return 1
    fi
  elif port_open 127.0.0.1 "$KAFKA_PORT"; then
    echo "kafka: running (external, not managed by infra.sh; bootstrap $KAFKA_BOOTSTRAP)"
  else
    echo "kafka: stopped"
    return 1
  fi
}

kafka_reset() {
  kafka_stop
  # Keep the resolved jars (lib/): they are not data and take a Maven round-trip to get back.
  if [[ -d "$KAFKA_DIR" ]]; then
    log "kafka: deleting data, config, logs and cluster id under $KAFKA_DIR (keeping lib/)"
    rm -rf "$KAFKA_LOG_DIRS" "$KAFKA_CONF_DIR" "$KAFKA_LOG_DIR" "$KAFKA_CLUSTER_ID_FILE" "$KAFKA_PIDFILE"
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-start}"
  shift || true
  case "$cmd" in
    start) infra_lock; kafka_start ;;
    stop) infra_lock; kafka_stop ;;
    status) kafka_status ;;
    reset) infra_lock; kafka_reset ;;
    run)
      [[ $# -ge 1 ]] || die "usage: $0 run <main-class> [args...]"
      kafka_ensure_jars
      kafka_java "$@"
      ;;
    topics)
      kafka_ensure_jars
      kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "$@"
      ;;
    *) die "usage: $0 start|stop|status|reset|run <class> [args]|topics [args]" ;;
  esac
fi
