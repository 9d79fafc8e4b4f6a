#!/usr/bin/env bash
# Load figures of the replica layout, side by side in one run: the cached
# POST /api/kredivo/v1/payment-types and the uncached POST /api/kredivo/v1/checkout (a new
# order and provider transaction per request), through nginx, with 1 and 3 replicas on
# PostgreSQL and 1 replica on SQLite. Prints a Markdown table (requests/s, p99, errors).
#
#   crates/proxy/bench/replicas.sh                      # 10 s per run, 2 threads, 32 connections
#   DURATION=30s CONNECTIONS=64 crates/proxy/bench/replicas.sh
#
# Installs wrk from Debian when it is missing and we are root; PostgreSQL and nginx as
# `cargo xtask setup --test` does. Everything runs on this machine, loopback only: wrk,
# nginx, the sandbox, the replicas and PostgreSQL share its cores, so the figures compare
# layouts on one machine; they are not a capacity plan.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: apt-get install wrk" >&2
    exit 1
  fi
fi
have_nginx() { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
have_postgres() { command -v initdb >/dev/null || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if ! have_nginx || ! have_postgres; then
  echo "needs nginx and PostgreSQL: apt-get install nginx postgresql (or cargo xtask setup --test as root)" >&2
  exit 1
fi

exec cargo xtask load
