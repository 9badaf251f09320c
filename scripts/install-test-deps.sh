#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine that has only Rust:
# the PostgreSQL server binaries (the tests start their own throwaway cluster from them).
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
  exit 0
fi
echo "Installing the PostgreSQL server binaries (Debian package postgresql)…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql > /dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || { echo "initdb still missing after install" >&2; exit 1; }
