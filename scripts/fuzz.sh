#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for a bounded time (FUZZ_SECONDS, default 20). Runs on the
# stable toolchain (`--sanitizer none`: libFuzzer's coverage guidance without AddressSanitizer, which needs
# nightly; Rust's own checks still turn memory and arithmetic errors into panics). A crash fails the script and
# leaves its input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
if ! command -v cargo-fuzz > /dev/null; then
  echo "Installing cargo-fuzz…"
  cargo install cargo-fuzz --locked --version 0.13.2 --quiet
fi
cargo fuzz build --sanitizer none
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in $(cargo fuzz list); do
  if cargo fuzz run --sanitizer none "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 > "$log" 2>&1; then
    echo "fuzz $target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)"
  else
    echo "fuzz $target: FAILED" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
done
