#!/usr/bin/env bash
# bench/run.sh - build arca and cosload, start arca on a fresh data directory
# and a free loopback port, run cosload against it, print the results with
# the server's peak RSS and CPU seconds, then stop the server and remove its
# data. Arguments are passed to cosload (e.g. -scenarios put-4KiB,get-4KiB
# -duration 10s). See bench/README.md.
#
# Env:
#   BENCH_DIR  where the data directory and binaries go (default /var/tmp;
#              must be on the disk under test, not a tmpfs)
#   KEEP=1     keep the work directory (server log) instead of removing it
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/var/tmp}
work=$(mktemp -d "$BENCH_DIR/arca-bench.XXXXXX")
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    rm -rf "$work/data"
    echo "# kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# building into $work" >&2
go build -o "$work/arca" ./cmd/arca
go build -o "$work/cosload" ./bench/cosload

# Fixed keys: the server is on loopback only and lives for this run.
export ARCA_ROOT_ACCESS_KEY=AKIDarcabench0000000000000000000000
export ARCA_ROOT_SECRET_KEY=arcabench-secret-0000000000000000000000

"$work/arca" serve --addr 127.0.0.1:0 --data "$work/data" --log-level info 2>"$work/server.log" &
pid=$!

addr=""
for _ in $(seq 100); do
  addr=$(sed -n 's/.*msg="arca serving" addr=\([^ ]*\).*/\1/p' "$work/server.log" | head -n1)
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "server did not start; log:" >&2; cat "$work/server.log" >&2; exit 1; }
echo "# arca pid $pid on $addr, data $work/data ($(df -hT "$work" | awk 'NR==2{print $2" on "$1}'))" >&2

clk=$(getconf CLK_TCK 2>/dev/null || echo 100)
rc=0
"$work/cosload" -endpoint "http://$addr" -server-pid "$pid" "$@" || rc=$?

# Whole-run server figures: peak RSS over its lifetime, CPU seconds
# (prepare and cleanup phases included).
hwm=$(awk '/^VmHWM:/{printf "%.0f", $2/1024}' "/proc/$pid/status")
cpu=$(awk -v c="$clk" '{sub(/^.*\) /,""); printf "%.1f", ($12+$13)/c}' "/proc/$pid/stat")
echo
echo "server: peak RSS (VmHWM) ${hwm} MiB, CPU ${cpu} s over the whole run"

kill -TERM "$pid"
wait "$pid" || true
pid=""
exit "$rc"
