#!/usr/bin/env bash
# Runs README.md's "### A parcours with curl" exactly as printed: its ```bash
# blocks, against the product started here on a free port with a fresh
# embedded store. Exits non-zero when a step fails or the product does not
# start. Needs curl, jq and the installed node_modules; no database server.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECTION='### A parcours with curl'
README=${1:-README.md}   # another file, to try the script itself
work=$(mktemp -d "${TMPDIR:-/tmp}/parcours-walkthrough.XXXXXX")
pid=

stop() {
  status=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/api.log" ]; then
    echo "== walk-through failed (exit $status); the API's last log lines:" >&2
    tail -n 30 "$work/api.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT

for tool in curl jq node; do
  command -v "$tool" >/dev/null || { echo "readme-walkthrough: $tool is required" >&2; exit 1; }
done

# The section runs to the next heading of the same or a higher level (#, ## or
# ###); only ```bash blocks are kept, as printed.
awk -v section="$SECTION" '
  $0 == section { inside = 1; next }
  inside && !fence && /^#{1,3} / { exit }
  inside && /^```/ {
    if (fence) { fence = 0; if (bash) print ""; bash = 0 } else { fence = 1; bash = ($0 == "```bash") }
    next
  }
  inside && bash { print }
' "$README" >"$work/steps.sh"
if ! grep -q '[^[:space:]]' "$work/steps.sh"; then
  echo "readme-walkthrough: no \`\`\`bash block under \"$SECTION\" in $README" >&2
  exit 1
fi

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
api="http://127.0.0.1:$port"

echo "== starting the API on $api (embedded store in $work/pglite)"
# ts-node without type-checking (CI type-checks before): no dist/ written.
# Kafka off, development tokens: the walk-through needs neither broker nor provider.
env -u NODE_ENV -u DATABASE_URL -u EVENTSTORE_CONNECTION_STRING \
  PORT="$port" HOST=127.0.0.1 PARCOURS_STORE=embedded PARCOURS_DATA_DIR="$work/pglite" \
  KAFKA_BROKERS= PARCOURS_WORKER_IN_PROCESS=true PARCOURS_RATE_LIMIT=false \
  node -r ts-node/register/transpile-only -r tsconfig-paths/register apps/api/src/main.ts \
  >"$work/api.log" 2>&1 &
pid=$!

# Probe only once the API says it listens: today a connection opened while the
# port is reserved (apps/api/src/bootstrap.ts, reservePort) holds the start-up.
# Every probe has a time limit all the same.
listening() { grep -q "listening on http://127.0.0.1:$port" "$work/api.log"; }
ready() { listening && [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$api/ready")" = 200 ]; }
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "readme-walkthrough: the API stopped while starting" >&2
    exit 1
  fi
  ready && break
  sleep 1
done
if ! ready; then
  echo "readme-walkthrough: $api/ready did not answer 200 within 120 s" >&2
  exit 1
fi

echo "== running the walk-through ($(grep -c . "$work/steps.sh") lines from $README)"
API="$api" timeout 600 bash -c 'set -euo pipefail; source "$1"' walkthrough "$work/steps.sh"
echo "== walk-through passed"
