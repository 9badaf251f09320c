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
# shellcheck source=lib/demo-server.sh
. scripts/lib/demo-server.sh
start_demo_server debug
rm -rf "$shots"
node e2e/journeys.mjs "$address" "$shots"
