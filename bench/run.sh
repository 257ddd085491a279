#!/usr/bin/env bash
# The slash-command benchmark in one run: followup (release build) on SQLite and on Postgres for
# `add`, `help` and `list` (20 prospects), then the peers from ../shared/bench, each at 32
# connections and at 1, REPEATS times; prints one Markdown table. Needs wrk and the peers built
# (../shared/bench/setup.sh); see BENCHMARKS.md.
#
# Usage: bench/run.sh [SECONDS=15] [REPEATS=2] [PEERS="bolt-py bolt-js ceiling ceiling-batch ceiling-nodb"]
# Env:   FOLLOWUP_BENCH_PG  Postgres server URL without a database (default postgres://postgres@127.0.0.1:5432)
#        FOLLOWUP_BENCH_ONLY  "sqlite", "postgres" or "peers" to run one part
#        FOLLOWUP_BENCH_BIN  a followup binary to measure instead of building this checkout's
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
repeats=${2:-2}
peers=${3:-"bolt-py bolt-js ceiling ceiling-batch ceiling-nodb"}
only=${FOLLOWUP_BENCH_ONLY:-}
shared=$(cd ../shared/bench && pwd)
scratch=${BENCH_SCRATCH:-/tmp/slack-bench}
pg_server=${FOLLOWUP_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
results=$scratch/followup-results.txt
mkdir -p "$scratch"
: > "$results"
export SLACK_SIGNING_SECRET=bench-secret
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
bin=${FOLLOWUP_BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=target/release/followup
fi
url=http://127.0.0.1:3000/slack/commands
pid=""

stop() {
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
trap stop EXIT

start() { # start DATABASE_URL
  DATABASE_URL=$1 PORT=3000 setsid "$bin" serve > "$scratch/followup.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null --max-time 1 http://127.0.0.1:3000/healthz && return 0
    sleep 0.2
  done
  echo "followup did not come up; see $scratch/followup.log" >&2
  exit 1
}

prospects() { # prospects DATABASE_URL: how many prospects are stored
  case $1 in
    sqlite:*) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from prospects').fetchone()[0])" "${1#sqlite://}" ;;
    *) psql -tA "$1" -c "select count(*) from prospects" ;;
  esac
}

cpu_ticks() { # cpu_ticks PID: user + system time the process has used, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

drive() { # drive KIND CONCURRENCY OFFSET: one wrk run; prints the RESULT line's fields and the
          # server's CPU time per request (µs, user + system, all threads)
  local work line t0 t1 n
  work=$(mktemp -d)
  # Enough distinct adds that none repeats within a run (a repeat is a duplicate, not an add;
  # bench/slash.lua gives each wrk thread its own share of them).
  python3 bench/requests.py "$1" "$([ "$1" = add ] && echo 250000 || echo 20000)" --offset "$3" > "$work/requests.txt"
  t0=$(cpu_ticks "$pid")
  local threads=$(( $2 < 2 ? $2 : 2 ))
  line=$(BENCH_REQUESTS="$work/requests.txt" BENCH_THREADS=$threads wrk -t"$threads" -c"$2" -d"${secs}s" --timeout 10s \
    -s bench/slash.lua "$url" | grep '^RESULT' | sed 's/^RESULT //')
  t1=$(cpu_ticks "$pid")
  n=$(printf '%s\n' "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
  echo "$line cpu_us=$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / (n > 0 ? n : 1) ))"
  rm -rf "$work"
}

measure() { # measure LABEL DATABASE_URL
  local label=$1 db=$2 offset=1000000 line before after
  start "$db"
  python3 bench/requests.py seed 160 --post "$url" > /dev/null   # 20 prospects for each `list` rep
  secs=3 drive add 32 0 > /dev/null                                # warm-up, discarded
  for kind in add help list; do
    for conc in 32 1; do
      for rep in $(seq "$repeats"); do
        before=$(prospects "$db")
        line=$(drive "$kind" "$conc" "$offset")
        offset=$(( offset + 1000000 ))
        after=$(prospects "$db")
        echo "peer=followup-$label-$kind c=$conc rep=$rep $line stored=$(( after - before ))" | tee -a "$results"
      done
    done
  done
  stop
}

if [ -z "$only" ] || [ "$only" = sqlite ]; then
  rm -f "$scratch"/followup.db*
  measure sqlite "sqlite://$scratch/followup.db"
fi
if [ -z "$only" ] || [ "$only" = postgres ]; then
  psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS followup_bench_slash" -c "CREATE DATABASE followup_bench_slash"
  measure postgres "$pg_server/followup_bench_slash"
fi
if [ -z "$only" ] || [ "$only" = peers ]; then
  # shellcheck disable=SC2086
  "$shared/measure.sh" "$secs" "$repeats" $peers | grep '^peer=' >> "$results"
fi

echo
echo "| server | c | run | req/s | p50 ms | p99 ms | max ms | requests | non-2xx | socket errors | server CPU µs/req | adds stored |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
sed 's/[a-z_0-9]*=//g' "$results" |
  awk '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11 == "" ? "–" : $11), ($12 == "" ? "–" : $12)}'
