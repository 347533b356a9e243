#!/usr/bin/env bash
# bench/growth.sh - the growth test (issue 7): do small-object rates and
# restart time hold up as the store grows? Builds arca and s3load into a work
# directory, starts arca on a fresh data directory (fixed keys, S3 dialect),
# then:
#
#   1. "empty": puts 10,000 4 KiB objects into the bucket `growth` and
#      measures GET 4 KiB (random among them), LIST (ListObjectsV2, max-keys
#      100, after a random point of the key space) and PUT 4 KiB (new keys
#      scattered over the same key space);
#   2. fills the bucket to N objects (default 1,000,000; the first 10,000 are
#      the ones above) and leaves 100 multipart uploads x 100 parts (10,000
#      parts) in progress in the bucket `growth-mpu`;
#   3. "full": the same three measurements, plus GET random among all N;
#   4. restarts the server: SIGTERM, wait for it to exit, start it again on
#      the same port, time to the first successful request (a ListObjectsV2);
#      then SIGKILL in the middle of a PUT load and the same again; lists the
#      whole bucket to count what survived;
#   5. prints one table: empty vs full rates and their ratio, restart times,
#      disk usage and the server's peak RSS.
#
# Needs only Go. See bench/README.md ("Growth").
#
# Env:
#   N            objects in the full bucket (default 1000000)
#   UPLOADS, PARTS  in-progress multipart uploads x parts (default 100 x 100)
#   DURATION     measured time of each rate (default 20s); WARMUP (2s) runs
#                before it, uncounted
#   CONC         workers for put/get (default 16); LIST_CONC for list (8)
#   FILL_CONC    workers of the fill (default 64)
#   SETTLE       pause after each phase, after a sync (default 3s);
#                SETTLE_FILL after the fill (default 30s: the fill leaves
#                compactions behind it, and the test is about a bucket that
#                holds 1M objects, not one being bulk-loaded)
#   BENCH_DIR    where the work directory goes (default /var/tmp; must be on
#                the disk under test, not a tmpfs)
#   ARCA_PPROF_ADDR  passed to `arca serve --pprof-addr` (e.g. 127.0.0.1:6060)
#   KEEP=1       keep the work directory (server logs, data) at the end
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

N=${N:-1000000}
UPLOADS=${UPLOADS:-100}
PARTS=${PARTS:-100}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-2s}
CONC=${CONC:-16}
LIST_CONC=${LIST_CONC:-8}
FILL_CONC=${FILL_CONC:-64}
SETTLE=${SETTLE:-3}
SETTLE_FILL=${SETTLE_FILL:-30}
SMALL=10000 # objects of the "empty" bucket (and the first ones of the full one)
[ "$N" -ge "$SMALL" ] || { echo "growth.sh: N must be at least $SMALL" >&2; exit 2; }

BENCH_DIR=${BENCH_DIR:-/var/tmp}
work=$(mktemp -d "$BENCH_DIR/arca-growth.XXXXXX")
pid=""
loadpid=""

cleanup() {
  [ -n "$loadpid" ] && kill "$loadpid" 2>/dev/null
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "# kept $work" >&2
  else
    rm -rf "$work"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "# $(date -u +%T) $*" >&2; }

log "building into $work"
go build -o "$work/arca" ./cmd/arca
go build -o "$work/s3load" ./bench/s3load

# Fixed keys: the server is on loopback only and lives for this run.
export ARCA_ROOT_ACCESS_KEY=AKIDarcabench0000000000000000000000
export ARCA_ROOT_SECRET_KEY=arcabench-secret-0000000000000000000000
serve_flags=(--data "$work/data" --default-dialect s3 --log-level info)
[ -n "${ARCA_PPROF_ADDR:-}" ] && serve_flags+=(--pprof-addr "$ARCA_PPROF_ADDR")

# start_server ADDR LOG: start arca, set pid and t0 (ns, just before the
# exec), wait for its "arca serving" line and set addr from it.
nstart=0
start_server() {
  local want=$1 logf=$2
  nstart=$((nstart + 1))
  t0=$(date +%s%N)
  ARCA_PPROF_ADDR= "$work/arca" serve --addr "$want" "${serve_flags[@]}" 2>"$logf" &
  pid=$!
}
wait_serving() {
  local logf=$1
  addr=""
  for _ in $(seq 600); do
    addr=$(sed -n 's/.*msg="arca serving" addr=\([^ ]*\).*/\1/p' "$logf" | head -n1)
    [ -n "$addr" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2; exit 1; }
    sleep 0.05
  done
  echo "server did not start; log:" >&2
  cat "$logf" >&2
  exit 1
}

load() { "$work/s3load" -endpoint "$addr" "$@"; }

settle() { sync; sleep "${1:-$SETTLE}"; }

# bench PHASE NAME ARGS...: one fixed-duration measurement, its line kept in
# $work/results as "PHASE NAME key=value...".
bench() {
  local phase=$1 name=$2 out
  shift 2
  settle
  out=$(load -bucket growth bench -duration "$DURATION" -warmup "$WARMUP" -server-pid "$pid" "$@")
  log "$phase $name: ${out#bench }"
  echo "$phase $name ${out#bench }" >>"$work/results"
}

# field PHASE NAME KEY: a figure from $work/results.
field() {
  awk -v p="$1" -v n="$2" -v k="$3" '$1 == p && $2 == n { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) v = kv[2] } } END { print (v == "" ? "-" : v) }' "$work/results"
}

rss() { awk '/^VmHWM:/{printf "%.0f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo "?"; }
cpu() { awk '{sub(/^.*\) /,""); printf "%.1f", ($12+$13)/100}' "/proc/$pid/stat" 2>/dev/null || echo "?"; }
du_m() { du -sm "$1" 2>/dev/null | awk '{print $1}'; }

start_server 127.0.0.1:0 "$work/server.1.log"
wait_serving "$work/server.1.log"
log "arca pid $pid on $addr, data $work/data ($(df -hT "$work" | awk 'NR==2{print $2" on "$1}')), $(nproc) CPUs"

# --- 1. empty ---
log "empty: putting $SMALL objects"
load -bucket growth put -n "$SMALL" -first 0 -concurrency "$FILL_CONC" >&2
bench empty get -op get -objects "$SMALL" -concurrency "$CONC"
bench empty list -op list -max-keys 100 -concurrency "$LIST_CONC"
# New keys from index 2^31 (disjoint from the fill's 0..N-1): scattered
# among the bucket's keys, not appended after them.
bench empty put -op put -first $((1 << 31)) -concurrency "$CONC"
empty_rss=$(rss)

# --- 2. fill ---
log "fill: putting $((N - SMALL)) more objects ($FILL_CONC workers), then $UPLOADS x $PARTS parts"
fill_t0=$(date +%s%N)
load -bucket growth put -n "$((N - SMALL))" -first "$SMALL" -concurrency "$FILL_CONC" | tee -a "$work/fill.out" >&2
load -bucket growth-mpu parts -uploads "$UPLOADS" -parts "$PARTS" | tee -a "$work/fill.out" >&2
fill_s=$(( ($(date +%s%N) - fill_t0) / 1000000000 ))
fill_rate=$(sed -n 's/^put: .* \([0-9]*\) objects\/s.*/\1/p' "$work/fill.out")
log "fill done in ${fill_s} s; settling ${SETTLE_FILL} s"
settle "$SETTLE_FILL"

# --- 3. full ---
bench full get -op get -objects "$SMALL" -concurrency "$CONC"
bench full get-all -op get -objects "$N" -concurrency "$CONC"
bench full list -op list -max-keys 100 -concurrency "$LIST_CONC"
bench full put -op put -first $(((1 << 31) + (1 << 30))) -concurrency "$CONC"
full_rss=$(rss)
full_cpu=$(cpu)
sync
data_m=$(du_m "$work/data"); meta_m=$(du_m "$work/data/meta"); blobs_m=$(du_m "$work/data/blobs")
log "data $data_m MiB (meta $meta_m, blobs $blobs_m); server peak RSS $full_rss MiB, CPU $full_cpu s"

# --- 4. restarts ---
port_addr=$addr
# restart LABEL: start the server on the same address and set restart_ms to
# the time from its start to the first successful request.
restart() {
  local label=$1 logf="$work/server.$((nstart + 1)).log" out
  start_server "$port_addr" "$logf"
  out=$("$work/s3load" -endpoint "$port_addr" -bucket growth wait -since-ns "$t0" -timeout 300s)
  wait_serving "$logf"
  restart_ms=${out#*request }
  restart_ms=${restart_ms%% ms*}
  log "$label restart: first successful request $restart_ms ms after start; RSS now $(rss) MiB"
}

log "graceful restart: SIGTERM"
s0=$(date +%s%N)
kill -TERM "$pid"
wait "$pid" || true
stop_ms=$(( ($(date +%s%N) - s0) / 1000000 ))
log "stopped in $stop_ms ms"
restart graceful
term_ms=$restart_ms
term_rss=$(rss)

log "crash restart: SIGKILL during a PUT load"
"$work/s3load" -endpoint "$addr" -bucket growth put -n 1000000000 -first $(((1 << 31) + (1 << 30) + (1 << 29))) -concurrency "$CONC" >/dev/null 2>&1 &
loadpid=$!
sleep 5
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
kill "$loadpid" 2>/dev/null || true
wait "$loadpid" 2>/dev/null || true
loadpid=""
restart SIGKILL
kill_ms=$restart_ms
kill_rss=$(rss)
scan=$(load -bucket growth scan -prefix load/ -max-keys 1000)
log "$scan"
count=$(echo "$scan" | sed -n 's/^scan: \([0-9]*\) keys.*/\1/p')
[ "${count:-0}" -ge "$N" ] || { echo "growth.sh: after the restarts the bucket holds ${count:-?} keys, fewer than $N" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid" || true
pid=""

# --- 5. table ---
{
  echo "# growth test, $(date -u +%FT%TZ), $(uname -n), $(nproc) CPUs, arca $(git -C "$repo" describe --always --dirty 2>/dev/null)"
  echo "# N=$N + ${UPLOADS}x${PARTS} parts, DURATION=$DURATION, CONC=$CONC (list $LIST_CONC), fill ${fill_s} s at ${fill_rate:-?} PUT/s"
  printf '%-14s %10s %10s %6s | %8s %8s | %8s %8s | %6s %6s %5s\n' rate empty full ratio p50:e p50:f p99:e p99:f us:e us:f ratio
  row() { # LABEL EMPTY-NAME FULL-NAME KEY
    local e f
    e=$(field empty "$2" "$4"); f=$(field full "$3" "$4")
    awk -v l="$1" -v e="$e" -v f="$f" \
      -v pe="$(field empty "$2" p50_ms)" -v pf="$(field full "$3" p50_ms)" \
      -v qe="$(field empty "$2" p99_ms)" -v qf="$(field full "$3" p99_ms)" \
      -v ce="$(field empty "$2" srv_cpu_s)" -v cf="$(field full "$3" srv_cpu_s)" \
      -v oe="$(field empty "$2" ops)" -v of="$(field full "$3" ops)" 'BEGIN{
      ue = (oe+0 > 0 && ce+0 > 0) ? ce * 1e6 / oe : 0; uf = (of+0 > 0 && cf+0 > 0) ? cf * 1e6 / of : 0
      printf "%-14s %10s %10s %6s | %8s %8s | %8s %8s | %6s %6s %5s\n", l, e, f,
        (e+0 > 0 && f+0 > 0) ? sprintf("%.2f", f/e) : "-", pe, pf, qe, qf,
        ue ? sprintf("%.0f", ue) : "-", uf ? sprintf("%.0f", uf) : "-", (ue && uf) ? sprintf("%.2f", ue/uf) : "-" }'
  }
  row "put-4KiB op/s" put put ops_s
  row "get-4KiB op/s" get get ops_s
  row "get-4KiB* op/s" get get-all ops_s
  row "list-100 op/s" list list ops_s
  row "list keys/s" list list keys_s
  echo "# get-4KiB: random among the same $SMALL keys; get-4KiB*: among all $N in the full bucket (vs the $SMALL in the empty one)"
  echo "# list: one ListObjectsV2 page of 100 after a random start-after; ratio = full / empty"
  echo "# us:e/us:f = server CPU microseconds per operation (empty/full), ratio = us:e / us:f (1 = no dearer"
  echo "# per operation; less sensitive than the rate to other load on a shared box)"
  echo
  printf '%-28s %10s\n' "restart after SIGTERM" "$term_ms ms"
  printf '%-28s %10s\n' "restart after SIGKILL" "$kill_ms ms"
  printf '%-28s %10s\n' "graceful stop (SIGTERM)" "$stop_ms ms"
  printf '%-28s %10s\n' "data dir" "$data_m MiB"
  printf '%-28s %10s\n' "  meta (Pebble)" "$meta_m MiB"
  printf '%-28s %10s\n' "  blobs" "$blobs_m MiB"
  printf '%-28s %10s\n' "peak RSS empty/full" "$empty_rss / $full_rss MiB"
  printf '%-28s %10s\n' "peak RSS after restart" "$term_rss / $kill_rss MiB"
  printf '%-28s %10s\n' "keys after the restarts" "$count"
  echo "# restart: from starting the process to the first successful ListObjectsV2; peak RSS = VmHWM"
} | tee "$work/table.txt"
