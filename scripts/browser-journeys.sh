#!/usr/bin/env bash
# Runs the browser journeys (e2e/journeys.mjs: a public report on a phone with a photo and its receipt, Bawaslu to
# BKN to the PPK's decision, the catalogue and the transparency page) in Debian's Chromium, driven by
# playwright-core from the npm registry, against `netra serve --demo`. Screenshots of every step go to
# target/e2e-screenshots/ (CI artefacts); a failed step fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=target/e2e-screenshots
if ! command -v chromium > /dev/null; then
  echo "Installing Debian's Chromium…"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium > /dev/null
fi
command -v node > /dev/null || { echo "Node.js 20 or newer is needed for playwright-core" >&2; exit 1; }
npm ci --prefix e2e --no-audit --no-fund --loglevel=error > /dev/null
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
for _ in $(seq 1 180); do
  address=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n 1 || true)
  # The server answers once the demo is seeded.
  if [ -n "$address" ] && curl -sf "$address/healthz" > /dev/null 2>&1; then break; fi
  sleep 1
done
curl -sf "$address/healthz" > /dev/null || { echo "netra did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
rm -rf "$shots"
node e2e/journeys.mjs "$address" "$shots"
