#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine that has only Rust:
# - the PostgreSQL server binaries (the tests start their own throwaway cluster from them);
# - poppler-utils (`pdftotext`, an independent reader of the PDF letters Netra writes).
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v pdftotext > /dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing test dependencies (Debian packages: ${missing[*]})…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || { echo "initdb still missing after install" >&2; exit 1; }
command -v pdftotext > /dev/null || { echo "pdftotext still missing after install" >&2; exit 1; }
