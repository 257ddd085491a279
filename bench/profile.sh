#!/usr/bin/env bash
# Profiles followup (release build) under one slash-command load: starts `followup serve` on a
# fresh SQLite file, warms up 3 s, then records `perf record -F 999 -g` of the server for 6 s of a
# wrk run, and prints the split by thread and the top functions. Needs wrk and perf.
#
# Usage: bench/profile.sh [KIND=add] [CONNECTIONS=1]     (KIND: add, help or list)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-add}
conc=${2:-1}
scratch=${BENCH_SCRATCH:-/tmp/slack-bench}
mkdir -p "$scratch"
export SLACK_SIGNING_SECRET=bench-secret
cargo build --release --quiet
url=http://127.0.0.1:3000/slack/commands
rm -f "$scratch"/profile.db*
DATABASE_URL="sqlite://$scratch/profile.db" PORT=3000 setsid target/release/followup serve > "$scratch/profile.log" 2>&1 &
pid=$!
trap 'kill -TERM -- "-$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null --max-time 1 http://127.0.0.1:3000/healthz && break; sleep 0.2; done
python3 bench/requests.py seed 160 --post "$url" > /dev/null
threads=$(( conc < 2 ? conc : 2 ))
load() { # load SECONDS OFFSET
  python3 bench/requests.py "$kind" 100000 --offset "$2" > "$scratch/profile-requests.txt"
  BENCH_REQUESTS="$scratch/profile-requests.txt" BENCH_THREADS=$threads wrk -t"$threads" -c"$conc" -d"$1s" \
    --timeout 10s -s bench/slash.lua "$url" | grep '^RESULT'
}
load 3 5000000 > /dev/null
(sleep 1; perf record -F 999 -g -p "$pid" -o "$scratch/profile.perf" -- sleep 6 2>/dev/null) &
load 9 6000000
wait $! 2>/dev/null || true
report() { perf report -i "$scratch/profile.perf" --no-children --sort "$1" -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -"$2" || true; }
report comm 5
report sym 25
echo "profile: $scratch/profile.perf"
