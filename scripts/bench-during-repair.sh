#!/usr/bin/env bash
# Puts while a repair runs, on one machine: `alldata bench` alone, then `alldata bench` again while four
# sidecar processes (on a broker of their own) repair about 20,000 events after one of them is dropped; the
# drop happens when the bench starts its measured coordinated phase, so that the two overlap.
# A third bench runs beside the idle cluster first, as the control: the cluster's own processes cost something
# even when they do nothing. Prints the three reports and how long the repair took. Run from the repository root.
#
#   EVENTS=100000 REPAIR_EVENTS=34000 scripts/bench-during-repair.sh
#
# Zones a, b, c, a with two other-zone replicas put every event on node-2, node-3 and one of node-1/node-4,
# so about 60% of the events need a copy once node-4 is dropped: REPAIR_EVENTS=34000 makes about 20,000
# copies. Repair runs at its defaults (repair.max.events.per.s) unless REPAIR_RATE is set.
set -euo pipefail
EVENTS=${EVENTS:-100000}
REPAIR_EVENTS=${REPAIR_EVENTS:-34000}
REPAIR_RATE=${REPAIR_RATE:-}
KAFKA_PORT=${KAFKA_PORT:-19092}
HTTP_BASE=${HTTP_BASE:-18081}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cli() { ./alldata "$@" --bootstrap "localhost:$KAFKA_PORT"; }

summary() { grep -E '^(events_per_s|p50_ms|p99_ms|p999_ms|cpu_us_per_event|raw_events_per_s|committed|failed) ' "$1"; }

echo "== bench alone"
./alldata bench --events "$EVENTS" > "$work/bench-alone.txt" 2>&1
summary "$work/bench-alone.txt"

echo "== a cluster of four sidecars on localhost:$KAFKA_PORT, $REPAIR_EVENTS events"
./alldata broker --port "$KAFKA_PORT" --data-dir "$work/kafka" > "$work/broker.log" 2>&1 &
pids+=($!)
zones=(a b c a)
for i in 1 2 3 4; do
  cat > "$work/node-$i.properties" <<PROPS
node.id=node-$i
zone=${zones[$((i - 1))]}
region=local
data.dir=$work/node-$i
http.port=$((HTTP_BASE + i - 1))
kafka.bootstrap.servers=localhost:$KAFKA_PORT
replication.factor=3
replication.other.zone.replicas=2
repair.delay.ms=5000
${REPAIR_RATE:+repair.max.events.per.s=$REPAIR_RATE}
PROPS
  ./alldata sidecar --config "$work/node-$i.properties" > "$work/node-$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3 4; do
  until curl -fs "localhost:$((HTTP_BASE + i - 1))/health/ready" > /dev/null; do sleep 1; done
done
seq 1 "$REPAIR_EVENTS" | sed 's/.*/{"repair":&}/' > "$work/events.jsonl"
cli put --file "$work/events.jsonl" --timeout 300s > /dev/null

echo "== bench beside the idle cluster (the control)"
./alldata bench --events "$EVENTS" > "$work/bench-beside.txt" 2>&1
summary "$work/bench-beside.txt"

echo "== bench again; when it starts its measured coordinated phase, node-4 is lost and dropped"
./alldata bench --events "$EVENTS" > "$work/bench-during-repair.txt" 2>&1 &
bench=$!
until grep -q "bench: coordinated puts" "$work/bench-during-repair.txt"; do sleep 0.2; done
kill -9 "${pids[4]}"
cli peers drop node-4
start=$(date +%s)
sleep 3
until cli repair status > "$work/status.txt"; do sleep 1; done
echo "repair done in $(( $(date +%s) - start )) s:"
cat "$work/status.txt"
wait "$bench"
summary "$work/bench-during-repair.txt"
