#!/usr/bin/env bash
# Real test servers on loopback: Kafka (KRaft, from Maven Central) and secantusd-rs, a MongoDB-compatible
# server on WiredTiger storage (built with cargo from the Rust crate registry; GPL-2.0-only beta, used only
# as a separate test server, never linked into the stack; production runs MongoDB, see deploy/).
# Usage: scripts/infra.sh fetch|start|stop|status|restart-kafka|test [vitest args...]
# restart-kafka stops and starts the broker alone, keeping its data (durability tests).
# Ports: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), MONGO_PORT (27017).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DFS_INFRA_CACHE:-$ROOT/.cache/infra}"
RUN="$CACHE/run"
# Fetched and built servers are keyed by version and kept outside the clone, so fresh clones on one
# machine reuse them; an empty tools cache fetches and builds everything again.
TOOLS="${DFS_INFRA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/dfs-infra}"

KAFKA_VERSION=3.9.1
KAFKA_LIBS="$TOOLS/kafka-$KAFKA_VERSION/libs"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xmx512m}"

SECANTUS_CRATE=secantus-mdb
SECANTUS_VERSION=0.5.3-beta.196
SECANTUS_BIN="$TOOLS/secantus/secantusd-rs-$SECANTUS_VERSION"
MONGO_PORT="${MONGO_PORT:-27017}"
MONGO_CACHE_SIZE="${MONGO_CACHE_SIZE:-1G}"

START_TIMEOUT="${DFS_INFRA_TIMEOUT:-120}"

log() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

kafka_pom() {
  local deps="org.apache.kafka:kafka_2.13:$KAFKA_VERSION org.apache.kafka:kafka-tools:$KAFKA_VERSION
    org.slf4j:slf4j-reload4j:1.7.36 ch.qos.reload4j:reload4j:1.2.25" d g a v
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>local.dfs</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>'
  echo '<dependencies>'
  for d in $deps; do
    IFS=: read -r g a v <<<"$d"
    echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  echo '</dependencies></project>'
}

fetch_kafka() {
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then
    log "Kafka $KAFKA_VERSION: reusing $KAFKA_LIBS"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found (Maven 3.8+ and Java 17 are required)"
  log "fetching Kafka $KAFKA_VERSION from Maven Central..."
  local dir="$TOOLS/kafka-$KAFKA_VERSION" tmp="$KAFKA_LIBS.tmp" jar
  mkdir -p "$dir"
  rm -rf "$KAFKA_LIBS" "$tmp"
  kafka_pom >"$dir/pom.xml"
  mvn -B --strict-checksums -f "$dir/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$dir/mvn.log" 2>&1 ||
    { tail -n 30 "$dir/mvn.log" >&2; die "Maven could not fetch Kafka (full log: $dir/mvn.log)"; }
  for jar in kafka_2.13 kafka-clients kafka-server kafka-server-common kafka-metadata kafka-raft \
    kafka-storage kafka-storage-api kafka-tools kafka-group-coordinator kafka-transaction-coordinator; do
    [[ -s "$tmp/$jar-$KAFKA_VERSION.jar" ]] || die "missing $jar-$KAFKA_VERSION.jar in $tmp"
  done
  for jar in scala-library scala-reflect slf4j-api slf4j-reload4j reload4j; do
    compgen -G "$tmp/$jar-[0-9]*.jar" >/dev/null || die "missing $jar jar in $tmp"
  done
  for jar in "$tmp"/*.jar; do
    unzip -tqq "$jar" >/dev/null 2>&1 || die "corrupt jar: $jar"
  done
  java -cp "$tmp/*" kafka.tools.StorageTool random-uuid >/dev/null 2>&1 ||
    die "kafka.tools.StorageTool does not run from $tmp"
  mv "$tmp" "$KAFKA_LIBS"
  touch "$KAFKA_LIBS/.complete"
  log "Kafka $KAFKA_VERSION: $(ls "$KAFKA_LIBS"/*.jar | wc -l) jars in $KAFKA_LIBS"
}

# The crate declares a newer rust-version than the toolchains on hand; it builds with them anyway
# (--ignore-rust-version). Only the binary is kept: the target directory (about 600 MB) is removed.
fetch_secantus() {
  if [[ -x "$SECANTUS_BIN" ]]; then
    log "secantusd-rs $SECANTUS_VERSION: reusing $SECANTUS_BIN"
    return
  fi
  command -v cargo >/dev/null || die "cargo not found (a Rust toolchain is required to build secantusd-rs)"
  local dir="$TOOLS/secantus" t0=$SECONDS
  log "building secantusd-rs $SECANTUS_VERSION ($SECANTUS_CRATE) from the Rust crate registry (about 10 min on 2 cores)..."
  mkdir -p "$dir"
  rm -rf "$dir/root" "$dir/target" "$dir"/secantusd-rs-*
  cargo install "$SECANTUS_CRATE" --version "$SECANTUS_VERSION" --locked --ignore-rust-version \
    --root "$dir/root" --target-dir "$dir/target" >"$dir/cargo.log" 2>&1 ||
    { tail -n 30 "$dir/cargo.log" >&2; die "cargo could not build $SECANTUS_CRATE $SECANTUS_VERSION (full log: $dir/cargo.log)"; }
  [[ -x "$dir/root/bin/secantusd-rs" ]] || die "cargo install did not produce secantusd-rs"
  mv "$dir/root/bin/secantusd-rs" "$SECANTUS_BIN"
  rm -rf "$dir/root" "$dir/target"
  log "secantusd-rs $SECANTUS_VERSION: built $SECANTUS_BIN in $((SECONDS - t0))s"
}

fetch() {
  fetch_kafka
  fetch_secantus
}

alive() {
  local pidfile="$RUN/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  ps -p "$pid" -o args= 2>/dev/null | grep -qF -- "$2"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

probe() {
  (cd "$ROOT" && node --input-type=module -e '
    const [what, addr] = process.argv.slice(1);
    setTimeout(() => { console.error(`${what}: probe timed out`); process.exit(1); }, 15000).unref();
    try {
      if (what === "kafka") {
        const { Kafka, logLevel } = (await import("kafkajs")).default;
        const admin = new Kafka({ clientId: "infra-probe", brokers: [addr], logLevel: logLevel.NOTHING,
          connectionTimeout: 2000, retry: { retries: 0 } }).admin();
        await admin.connect();
        const topics = await admin.listTopics();
        const { clusterId } = await admin.describeCluster();
        await admin.disconnect();
        console.log(`cluster ${clusterId}, ${topics.length} topic(s)`);
      } else {
        const mongoose = (await import("mongoose")).default;
        const conn = await mongoose.createConnection(addr, { serverSelectionTimeoutMS: 2000 }).asPromise();
        await conn.db.admin().command({ ping: 1 });
        const info = await conn.db.admin().command({ buildInfo: 1 });
        await conn.close();
        console.log(`reports MongoDB ${info.version}`);
      }
      process.exit(0);
    } catch (err) {
      console.error(`${what}: ${err.message}`);
      process.exit(1);
    }' "$@")
}

wait_ready() {
  local name=$1 match=$2 what=$3 addr=$4 deadline=$((SECONDS + START_TIMEOUT)) out
  until out=$(probe "$what" "$addr" 2>&1); do
    alive "$name" "$match" || start_failed "$name exited during start-up: $out" "$RUN/$name.log"
    ((SECONDS < deadline)) || start_failed "$name not ready after ${START_TIMEOUT}s: $out" "$RUN/$name.log"
    sleep 1
  done
  echo "$out"
}

start_failed() {
  printf '[infra] error: %s\n' "$1" >&2
  if [[ -f "$2" ]]; then
    printf '[infra] last lines of %s:\n' "$2" >&2
    tail -n 40 "$2" >&2
  fi
  stop >/dev/null 2>&1 || true
  exit 1
}

start_kafka() {
  local dir="$RUN/kafka" cp="$KAFKA_LIBS/*" id
  mkdir -p "$dir/data"
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=${dfs.log.level}, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.err
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF
  local tool=(java -Xshare:auto -XX:TieredStopAtLevel=1 -Ddfs.log.level=WARN
    "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$cp" kafka.tools.StorageTool)
  if [[ -f "$dir/data/meta.properties" ]]; then
    id=$(sed -n 's/^cluster.id=//p' "$dir/data/meta.properties")
  else
    id=$("${tool[@]}" random-uuid)
    "${tool[@]}" format -t "$id" -c "$dir/server.properties" >"$RUN/kafka-format.log" 2>&1 ||
      start_failed "formatting Kafka storage failed" "$RUN/kafka-format.log"
  fi
  nohup java -Xms128m $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true -Ddfs.log.level=INFO \
    "-Dlog4j.configuration=file:$dir/log4j.properties" "-Dkafka.logs.dir=$dir" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >>"$RUN/kafka.log" 2>&1 </dev/null &
  echo $! >"$RUN/kafka.pid"
  log "Kafka: started pid $! (cluster id $id), log $RUN/kafka.log"
}

start_mongo() {
  mkdir -p "$RUN/mongo"
  nohup "$SECANTUS_BIN" --host 127.0.0.1 --port "$MONGO_PORT" --storage-path "$RUN/mongo" --log-level WARNING \
    --cache-size "$MONGO_CACHE_SIZE" --sync-on-commit >"$RUN/mongo.log" 2>&1 </dev/null &
  echo $! >"$RUN/mongo.pid"
  log "secantusd-rs: started pid $!, log $RUN/mongo.log"
}

start() {
  local kafka_info mongo_info kafka_version p
  [[ -d "$ROOT/node_modules/mongoose" && -d "$ROOT/node_modules/kafkajs" ]] ||
    die "node_modules lacks mongoose/kafkajs (needed for readiness checks): run npm ci first"
  if alive kafka kafka.Kafka && alive mongo secantusd-rs; then
    log "already running (Kafka pid $(<"$RUN/kafka.pid"), secantusd-rs pid $(<"$RUN/mongo.pid")): reusing"
    . "$RUN/env"
  else
    fetch
    if [[ -d "$RUN" ]]; then
      log "cleaning up a previous partial run"
      stop >/dev/null
    fi
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$MONGO_PORT"; do
      port_busy "$p" && die "port 127.0.0.1:$p is already in use (set KAFKA_PORT, KAFKA_CONTROLLER_PORT or MONGO_PORT)"
    done
    mkdir -p "$RUN"
    log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT and secantusd-rs on 127.0.0.1:$MONGO_PORT in $RUN"
    start_kafka
    start_mongo
    printf 'export MONGODB_URI=mongodb://127.0.0.1:%s/\nexport KAFKA_BROKERS=127.0.0.1:%s\n' \
      "$MONGO_PORT" "$KAFKA_PORT" >"$RUN/env"
    . "$RUN/env"
  fi
  log "waiting for the servers (timeout ${START_TIMEOUT}s)..."
  mongo_info=$(wait_ready mongo secantusd-rs mongo "$MONGODB_URI")
  log "secantusd-rs $SECANTUS_VERSION ready at $MONGODB_URI (fsync per commit): $mongo_info"
  kafka_info=$(wait_ready kafka kafka.Kafka kafka "$KAFKA_BROKERS")
  kafka_version=$(grep -m1 -o 'Kafka version: [^ ]*' "$RUN/kafka.log" | cut -d' ' -f3 || true)
  log "Kafka ready at $KAFKA_BROKERS: Apache Kafka ${kafka_version:-unknown} (jar kafka_2.13-$KAFKA_VERSION.jar), $kafka_info"
  log "environment: . $RUN/env"
  sed 's/^/[infra]   /' "$RUN/env"
}

stop_one() {
  local name=$1 match=$2 pid i
  if ! alive "$name" "$match"; then
    log "$name: not running"
    return
  fi
  pid=$(<"$RUN/$name.pid")
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    alive "$name" "$match" || return 0
    sleep 0.5
  done
  log "$name: still running after 30s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

stop() {
  stop_one mongo secantusd-rs
  stop_one kafka kafka.Kafka
  rm -rf "$RUN"
  log "stopped"
}

restart_kafka() {
  [[ -f "$RUN/env" ]] && alive mongo secantusd-rs || die "the servers are not running: scripts/infra.sh start first"
  . "$RUN/env"
  stop_one kafka kafka.Kafka
  start_kafka
  log "Kafka restarted: $(wait_ready kafka kafka.Kafka kafka "$KAFKA_BROKERS")"
}

status() {
  local name match
  for name in kafka mongo; do
    [[ $name == kafka ]] && match=kafka.Kafka || match=secantusd-rs
    if alive "$name" "$match"; then
      log "$name: running (pid $(<"$RUN/$name.pid"), log $RUN/$name.log)"
    else
      log "$name: not running"
    fi
  done
  [[ -f "$RUN/env" ]] && sed 's/^/[infra]   /' "$RUN/env"
  return 0
}

run_tests() {
  local rc=0
  trap stop EXIT
  start
  . "$RUN/env"
  log "running: npx vitest run --project contract --project e2e --project infra $*"
  (cd "$ROOT" && DFS_REQUIRE_INFRA=1 npx vitest run --project contract --project e2e --project infra "$@") || rc=$?
  exit "$rc"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart-kafka) restart_kafka ;;
  test) run_tests "$@" ;;
  *) die "usage: $0 fetch|start|stop|status|restart-kafka|test [vitest args...]" ;;
esac
