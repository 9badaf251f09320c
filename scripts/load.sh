#!/usr/bin/env bash
# Load test on loopback (not part of CI; figures go in the issue notes): a release `netra serve --demo`, then wrk
# (Debian's package) with 50 concurrent connections for LOAD_SECONDS (default 20) against each of: public intake
# (POST /api/v1/reports), the receipt status (GET /api/v1/reports/status), a Bawaslu office's case list (/kasus) and
# its dashboard (/dasbor). Prints requests per second, p50 and p99 latency and errors; exits 1 on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${LOAD_SECONDS:-20}"
connections="${LOAD_CONNECTIONS:-50}"
if ! command -v wrk > /dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk > /dev/null
fi
cargo build --quiet --locked --release -p netra
# shellcheck source=lib/demo-server.sh
. scripts/lib/demo-server.sh
start_demo_server release
session=$(demo_session bawaslu.kabbandung)
receipt=$(demo_receipt)
failures=0
printf '%-34s %10s %10s %10s %8s\n' "endpoint" "req/s" "p50" "p99" "errors"
run() {
  local name=$1
  shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s --latency "$@")
  local rate p50 p99 bad socket
  rate=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<< "$out")
  socket=$(awk '/Socket errors:/ { s = 0; for (i = 4; i <= NF; i += 2) s += $i; print s }' <<< "$out")
  local errors=$(( ${bad:-0} + ${socket:-0} ))
  printf '%-34s %10s %10s %10s %8s\n' "$name" "$rate" "$p50" "$p99" "$errors"
  if [ "$errors" -ne 0 ]; then failures=$((failures + 1)); echo "$out" >&2; fi
}
run "POST /api/v1/reports" -s scripts/load/report.lua "$address/api/v1/reports"
run "GET /api/v1/reports/status" -H "Authorization: Receipt $receipt" "$address/api/v1/reports/status"
run "GET /kasus (Bawaslu Kab. Bandung)" -H "Cookie: netra_sesi=$session" "$address/kasus"
run "GET /dasbor (Bawaslu Kab. Bandung)" -H "Cookie: netra_sesi=$session" "$address/dasbor"
echo "($connections connections, ${seconds} s each, 2 wrk threads, release build, SQLite, demo data)"
[ "$failures" -eq 0 ]
