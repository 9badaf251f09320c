#!/usr/bin/env bash
# Counts the statuses of docs/security/asvs-l2.md (the table rows' third column).
set -euo pipefail
cd "$(dirname "$0")/.."
awk -F'|' 'NF > 4 && $2 !~ /Item|---/ { gsub(/ /, "", $4); count[$4]++ } END { for (s in count) print s, count[s] }' \
  docs/security/asvs-l2.md | sort
