#!/usr/bin/env bash
# Load figure for the proxy's cached POST /api/kredivo/v1/payment-types, side by side with the
# same wrk run against the sandbox's POST /v2/payments directly (what an uncached proxy would
# at best forward to). Starts examples/loadserver (proxy + sandbox on one loopback port),
# warms the cache, runs wrk for a bounded time and prints requests/s and p99 for both.
#
#   crates/proxy/bench/load.sh            # 10 s, 2 threads, 32 connections
#   DURATION=30s CONNECTIONS=64 crates/proxy/bench/load.sh
#
# Needs wrk (Debian: apt-get install wrk). Server and load generator share the machine, so
# the figures are a floor for the server, not a capacity plan.
set -euo pipefail
cd "$(dirname "$0")/../../.."

DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18080}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/h-proxy}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --quiet --release -p kredivo-proxy --example loadserver
"$CARGO_TARGET_DIR/release/examples/loadserver" "$PORT" 2>/tmp/kredivo-loadserver.log &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
WORK="$(mktemp -d)"
BASE="http://127.0.0.1:$PORT"

for _ in $(seq 1 100); do
  curl -fsS "$BASE/api/kredivo/v1/pricing" >/dev/null 2>&1 && break
  sleep 0.1
done

PROXY_BODY='{"cart":[{"product_id":"smartphone-x5","quantity":1},{"product_id":"kopi-gayo-250g","quantity":2}]}'
SANDBOX_BODY='{"server_key":"8tLHIx8V0N6KtnSpS9Nbd6zROFFJH7","amount":2590000,"items":[{"id":"smartphone-x5","name":"Smartphone Nusa X5 128 GB","price":2400000,"quantity":1,"type":"Smartphone","url":"http://127.0.0.1/www/product.html?id=smartphone-x5"},{"id":"kopi-gayo-250g","name":"Kopi Arabika Gayo (250 g)","price":95000,"quantity":2,"type":"Food & Drink","url":"http://127.0.0.1/www/product.html?id=kopi-gayo"}]}'

lua() { # $1 = file, $2 = body
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$2'
LUA
}
lua "$WORK/proxy.lua" "$PROXY_BODY"
lua "$WORK/sandbox.lua" "$SANDBOX_BODY"

# Warm the cache (and check both bodies are accepted).
curl -fsS -X POST -H 'content-type: application/json' -d "$PROXY_BODY" "$BASE/api/kredivo/v1/payment-types" >/dev/null
curl -fsS -X POST -H 'content-type: application/json' -d "$SANDBOX_BODY" "$BASE/sandbox/kredivo/v2/payments" | grep -q '"status":"OK"'

run() { # $1 = label, $2 = lua, $3 = url
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$2" "$3")"
  local rps p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")"
  printf '%-48s %12s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${errors:-0}"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores, loopback, release build"
run "proxy  POST /api/kredivo/v1/payment-types (cached)" "$WORK/proxy.lua" "$BASE/api/kredivo/v1/payment-types"
run "sandbox POST /v2/payments (direct)" "$WORK/sandbox.lua" "$BASE/sandbox/kredivo/v2/payments"
