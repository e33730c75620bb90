#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, no ZooKeeper) on 127.0.0.1:9092
# for development and CI. The broker's jars come from Maven Central through pom.xml
# and are cached in $KAFKA_HOME/libs; the data lives in $KAFKA_HOME/data and is
# formatted anew on each start, so every run begins with an empty broker.
#   KAFKA_HOME       cache and data directory   (default: ~/.cache/parcours-kafka)
#   KAFKA_PORT       broker port                (default: 9092; the controller uses +1)
#   KAFKA_LIBS       where the jars are cached  (default: $KAFKA_HOME/libs)
#   KAFKA_KEEP_DATA  1 to restart on the existing data instead of formatting anew
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$HOME/.cache/parcours-kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT=$((KAFKA_PORT + 1))
libs="${KAFKA_LIBS:-$KAFKA_HOME/libs}"
mkdir -p "$KAFKA_HOME"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -f "$KAFKA_HOME/broker.pid" ] && kill -0 "$(cat "$KAFKA_HOME/broker.pid")" 2>/dev/null; then
  echo "kafka: already running (pid $(cat "$KAFKA_HOME/broker.pid")) on 127.0.0.1:$KAFKA_PORT"
  exit 0
fi
if port_open "$KAFKA_PORT"; then
  echo "kafka: port $KAFKA_PORT is already taken by another process" >&2
  exit 1
fi

# The pom's hash names the cache, so a version change fetches the jars again.
stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
if [ ! -f "$libs/.stamp-$stamp" ]; then
  echo "kafka: fetching the broker from Maven Central into $libs"
  rm -rf "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.stamp-$stamp"
fi

data="$KAFKA_HOME/data"
keep="${KAFKA_KEEP_DATA:-0}"
[ "$keep" = 1 ] && [ -f "$data/meta.properties" ] || { keep=0; rm -rf "$data"; mkdir -p "$data"; }
cat > "$KAFKA_HOME/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
cat > "$KAFKA_HOME/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$KAFKA_HOME/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
PROPS

java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$KAFKA_HOME/log4j.properties" -cp "$libs/*")
if [ "$keep" = 0 ]; then
  cluster_id="$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$KAFKA_HOME/server.properties" > "$KAFKA_HOME/format.log" 2>&1
fi
: > "$KAFKA_HOME/broker.log"

nohup java "${java_opts[@]}" kafka.Kafka "$KAFKA_HOME/server.properties" \
  > "$KAFKA_HOME/stdout.log" 2>&1 &
echo $! > "$KAFKA_HOME/broker.pid"

# Ready when the broker port answers and the log says the broker started.
for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$KAFKA_HOME/broker.pid")" 2>/dev/null; then
    echo "kafka: broker exited during start; last lines of its logs:" >&2
    tail -n 30 "$KAFKA_HOME/stdout.log" "$KAFKA_HOME/broker.log" >&2 || true
    exit 1
  fi
  if port_open "$KAFKA_PORT" && grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$KAFKA_HOME/broker.log" 2>/dev/null; then
    echo "kafka: broker ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$KAFKA_HOME/broker.pid"))"
    exit 0
  fi
  sleep 1
done
echo "kafka: broker did not answer within 120 s" >&2
tail -n 30 "$KAFKA_HOME/broker.log" >&2 || true
exit 1
