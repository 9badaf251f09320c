#!/usr/bin/env bash
# Runs every test: unit, property, contract (SQLite and a real PostgreSQL server), web and CLI tests.
# Set NETRA_TEST_DATABASE_URL to use an existing PostgreSQL server instead of a throwaway cluster.
# Ends with one line totalling every test binary's results.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked 2>&1 | tee "$log" || status=$?
passed=$(grep -oE '^test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -oE '; [0-9]+ failed' "$log" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed"
exit "$status"
