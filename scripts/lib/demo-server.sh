# Shared by the scripts that drive a live demo server (api-fuzz.sh, browser-journeys.sh, load.sh); source it.
#   start_demo_server debug|release   starts `netra serve --demo` on a free loopback port, sets $address, and stops
#                                     it (and removes its data) when the calling script exits
#   demo_session USERNAME              signs a demo user in through /masuk and prints the session token
#   demo_receipt                       files a report through the API and prints its receipt

demo_work=$(mktemp -d)
demo_pid=""
demo_cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2> /dev/null || true; wait "$demo_pid" 2> /dev/null || true; fi
  rm -rf "$demo_work"
}
trap demo_cleanup EXIT

start_demo_server() {
  local profile=$1
  NETRA_LOG=warn,sqlx=error "${CARGO_TARGET_DIR:-target}/$profile/netra" serve --demo --data-dir "$demo_work" \
    --addr 127.0.0.1:0 --reminder-minutes 0 > "$demo_work/serve.log" 2>&1 &
  demo_pid=$!
  address=""
  for _ in $(seq 1 180); do
    address=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$demo_work/serve.log" | head -n 1 || true)
    # The server answers once the demo is seeded.
    if [ -n "$address" ] && curl -sf "$address/healthz" > /dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "netra did not start" >&2
  cat "$demo_work/serve.log" >&2
  return 1
}

demo_session() {
  local jar="$demo_work/cookies-$1" csrf
  curl -s -c "$jar" -b "$jar" "$address/masuk" > "$demo_work/masuk.html"
  csrf=$(grep -o 'name="csrf" value="[^"]*"' "$demo_work/masuk.html" | head -n 1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" \
    --data-urlencode "password=netra-demo-2024" "$address/masuk"
  awk '$6 == "netra_sesi" { print $7 }' "$jar"
}

demo_receipt() {
  local today
  today=$(TZ=Asia/Jakarta date +%F)
  curl -sf -H 'Content-Type: application/json' "$address/api/v1/reports" -d "{
    \"description\": \"Camat mengunggah ajakan memilih pasangan calon nomor 2 di Facebook pribadinya.\",
    \"occurred_on\": \"$today\", \"known_on\": \"$today\", \"region_code\": \"32.04\",
    \"reported_person\": {\"name\": \"Asep Sunandar\"}, \"reporter\": {\"mode\": \"anonymous\"}}" \
    | sed 's/.*"receipt":"\([^"]*\)".*/\1/'
}
