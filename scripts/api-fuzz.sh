#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in target/schemathesis-venv) against a live `netra serve --demo` with the served
# OpenAPI document: every operation gets generated valid and invalid inputs, signed in as Bawaslu RI and with a
# real receipt, and must answer with no server error and with bodies that match the documented schemas.
# SCHEMATHESIS_SECONDS bounds the run (default 180). Reports go to target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SCHEMATHESIS_SECONDS:-180}"
venv=target/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "Installing schemathesis into $venv…"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
cargo build --quiet --locked -p netra
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
NETRA_LOG=warn,sqlx=error "${CARGO_TARGET_DIR:-target}/debug/netra" serve --demo --data-dir "$work" --addr 127.0.0.1:0 \
  --reminder-minutes 0 > "$work/serve.log" 2>&1 &
server_pid=$!
address=""
for _ in $(seq 1 120); do
  address=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n 1 || true)
  if [ -n "$address" ] && curl -sf "$address/healthz" > /dev/null 2>&1; then break; fi
  sleep 1
done
[ -n "$address" ] || { echo "netra did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
# The demo is seeded before the server answers; wait for the staff accounts.
jar="$work/cookies"
for _ in $(seq 1 120); do
  curl -s -c "$jar" -b "$jar" "$address/masuk" > "$work/masuk.html"
  csrf=$(grep -o 'name="csrf" value="[^"]*"' "$work/masuk.html" | head -n 1 | sed 's/.*value="//; s/"$//')
  status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode "username=bawaslu.ri" --data-urlencode "password=netra-demo-2024" \
    "$address/masuk")
  if [ "$status" = "303" ] && grep -q netra_sesi "$jar"; then break; fi
  sleep 1
done
session=$(awk '$6 == "netra_sesi" { print $7 }' "$jar")
[ -n "$session" ] || { echo "could not sign in to the demo" >&2; exit 1; }
receipt=$(curl -sf -H 'Content-Type: application/json' "$address/api/v1/reports" -d '{
  "description": "Camat mengunggah ajakan memilih pasangan calon nomor 2 di Facebook pribadinya.",
  "occurred_on": "2024-11-10", "known_on": "2024-11-11", "region_code": "32.04",
  "reported_person": {"name": "Asep Sunandar"}, "reporter": {"mode": "anonymous"}}' | sed 's/.*"receipt":"\([^"]*\)".*/\1/')
mkdir -p target/schemathesis
"$venv/bin/schemathesis" run "$address/api/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-time "$seconds" --workers 2 --request-timeout 30 \
  -H "Cookie: netra_sesi=$session" -H "Authorization: Receipt $receipt" \
  --report junit --report-dir target/schemathesis
