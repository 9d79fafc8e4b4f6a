#!/usr/bin/env bash
# Every test under examples/: the Node merchant and its verifier (node --test), the PHP verifier
# and endpoint (php-cli). Prints one cargo-style line per suite,
#   test result: ok. N passed; 0 failed; <suite>
# and exits non-zero if anything failed or a tool is missing. Needs Node >= 20 and php-cli
# (Debian: apt-get install -y php-cli). No network; servers bind 127.0.0.1 on port 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
failed_suites=0

result() { # suite passed failed
  local verdict=ok
  if [ "$3" -ne 0 ]; then verdict=FAILED; failed_suites=$((failed_suites + 1)); fi
  echo "test result: ${verdict}. $2 passed; $3 failed; $1"
}

# ---- Node ----
if ! command -v node >/dev/null 2>&1; then
  echo "node not found: install Node 20 or later" >&2
  result "examples/node-merchant (node missing)" 0 1
elif [ "$(node -p 'Number(process.versions.node.split(".")[0])')" -lt 20 ]; then
  echo "node $(node --version) is too old: examples/node-merchant needs Node 20 or later" >&2
  result "examples/node-merchant (node too old)" 0 1
else
  out="$(mktemp)"
  trap 'rm -f "$out"' EXIT
  set +e
  (cd "$here/node-merchant" && node --test --test-reporter=tap test/*.test.js) >"$out" 2>&1
  rc=$?
  set -e
  count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$out" | tail -n 1; }
  pass="$(count pass)"; fail="$(count fail)"; cancelled="$(count cancelled)"
  pass="${pass:-0}"; fail=$(( ${fail:-0} + ${cancelled:-0} ))
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi # crashed before reporting
  if [ "$fail" -ne 0 ]; then
    cat "$out"
  else
    grep -E '^ok [0-9]+ - ' "$out" | sed 's/^/node: /'
  fi
  result "examples/node-merchant (node --test)" "$pass" "$fail"
fi

# ---- PHP ----
if ! command -v php >/dev/null 2>&1; then
  echo "php not found: apt-get install -y php-cli" >&2
  result "examples/php (php missing)" 0 1
else
  out_php="$(mktemp)"
  trap 'rm -f "${out:-}" "$out_php"' EXIT
  set +e
  php "$here/php/verify-test.php" >"$out_php" 2>&1
  rc=$?
  set -e
  # The script prints its own summary line; rewrite it with the suite's name, or report a crash.
  line="$(grep -E '^test result: ' "$out_php" | tail -n 1 || true)"
  grep -vE '^test result: ' "$out_php" | sed '/^$/d; s/^/php: /'
  if [[ "$line" =~ ([0-9]+)\ passed\;\ ([0-9]+)\ failed ]]; then
    pass="${BASH_REMATCH[1]}"; fail="${BASH_REMATCH[2]}"
  else
    pass=0; fail=0
  fi
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  result "examples/php (php $(php -r 'echo PHP_VERSION;'))" "$pass" "$fail"
fi

[ "$failed_suites" -eq 0 ]
