#!/usr/bin/env bash
# Stops the broker started by infra/kafka/start.sh (SIGTERM, then SIGKILL after 30 s).
set -euo pipefail
KAFKA_HOME="${KAFKA_HOME:-$HOME/.cache/parcours-kafka}"
pidfile="$KAFKA_HOME/broker.pid"
[ -f "$pidfile" ] || { echo "kafka: not running"; exit 0; }
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
fi
rm -f "$pidfile"
echo "kafka: stopped"
