#!/usr/bin/env bash
# Runs every test: unit, property, contract (SQLite and a real PostgreSQL server), web and CLI tests.
# Set NETRA_TEST_DATABASE_URL to use an existing PostgreSQL server instead of a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
cargo test --workspace --locked
