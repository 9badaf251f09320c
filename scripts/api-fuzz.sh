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
# shellcheck source=lib/demo-server.sh
. scripts/lib/demo-server.sh
start_demo_server debug
session=$(demo_session bawaslu.ri)
[ -n "$session" ] || { echo "could not sign in to the demo" >&2; exit 1; }
receipt=$(demo_receipt)
mkdir -p target/schemathesis
"$venv/bin/schemathesis" run "$address/api/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-time "$seconds" --workers 2 --request-timeout 30 \
  -H "Cookie: netra_sesi=$session" -H "Authorization: Receipt $receipt" \
  --report junit --report-dir target/schemathesis
