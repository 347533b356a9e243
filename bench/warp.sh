#!/usr/bin/env bash
# bench/warp.sh - build arca, start it on a fresh data directory and a free
# loopback port (fixed keys, --default-dialect s3), run the shared warp suite
# (bench/warp-suite.sh, a copy of the suite the anchor figures were measured with) against it and, when a peer
# endpoint is given, against the peer in the same run, scenario by scenario
# (Arca, then the peer), and print one table: scenario, Arca, peer, ratio.
# See bench/README.md. This script builds neither warp nor the peer.
#
# Flags (each has an env fallback):
#   --warp PATH        warp binary (WARP; required)
#   --suite PATH       warp-suite.sh (WARP_SUITE; default bench/warp-suite.sh)
#   --scenarios LIST   space- or comma-separated subset (SCENARIOS; default: all)
#   --out DIR          keep every result here (OUT; default: a directory under
#                      $BENCH_DIR, removed at exit unless KEEP=1)
# Env passed through to the suite: DURATION, DURATION_LARGE, WARP_EXTRA,
# SETTLE, BUCKET, REGION, JQ.
#
# Peer (optional; started and stopped by you, see bench/README.md):
#   PEER_ENDPOINT      host:port of the peer's S3 endpoint
#   PEER_ACCESS_KEY, PEER_SECRET_KEY
#   PEER_PID           the peer's server pid (for its CPU, RSS and otherCPU)
#   PEER_NAME          label for the table (default: peer)
#
# Arca:
#   BENCH_DIR          where arca's binary and data directory go (default
#                      /var/tmp; must be on the disk under test, not a tmpfs)
#   ARCA_PPROF_ADDR    passed to `arca serve` (--pprof-addr), e.g.
#                      127.0.0.1:6060, to take profiles during the run
#   ARCA_SERVE_FLAGS   extra flags for `arca serve`
#   KEEP=1             keep the work directory (server log, warp reports)
#
# Steal: on a virtual machine the hypervisor can take CPU from both cores
# in the middle of a run (/proc/stat "steal"); one put 1 MiB run lost 15 s
# of CPU that way and measured 153 MiB/s against 284-298 before and after.
# The table's st:a / st:p columns give each run's steal in s.
#   STEAL_MAX=S        rerun a scenario (Arca and peer both, up to 2 more
#                      times) when either run's steal exceeded S seconds; the
#                      table keeps the pair with the least steal (unset: no
#                      reruns)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

WARP=${WARP:-}
WARP_SUITE=${WARP_SUITE:-$repo/bench/warp-suite.sh}
SCENARIOS=${SCENARIOS:-"put-4KiB get-4KiB put-1MiB get-1MiB put-64MiB get-64MiB mixed-64KiB list-1KiB"}
OUT=${OUT:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --warp) WARP=$2; shift 2 ;;
    --warp=*) WARP=${1#*=}; shift ;;
    --suite) WARP_SUITE=$2; shift 2 ;;
    --suite=*) WARP_SUITE=${1#*=}; shift ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --scenarios=*) SCENARIOS=${1#*=}; shift ;;
    --out) OUT=$2; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "warp.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
SCENARIOS=${SCENARIOS//,/ }
[ -n "$WARP" ] || { echo "warp.sh: set WARP=path/to/warp or --warp (bench/README.md says how to build it)" >&2; exit 2; }
WARP=$(cd "$(dirname "$WARP")" && pwd)/$(basename "$WARP")
[ -x "$WARP" ] || { echo "warp.sh: $WARP is not executable" >&2; exit 2; }
[ -r "$WARP_SUITE" ] || { echo "warp.sh: suite $WARP_SUITE not found (set WARP_SUITE or --suite)" >&2; exit 2; }
if [ -n "${PEER_ENDPOINT:-}" ]; then
  : "${PEER_ACCESS_KEY:?set PEER_ACCESS_KEY with PEER_ENDPOINT}"
  : "${PEER_SECRET_KEY:?set PEER_SECRET_KEY with PEER_ENDPOINT}"
fi
PEER_NAME=${PEER_NAME:-peer}

BENCH_DIR=${BENCH_DIR:-/var/tmp}
work=$(mktemp -d "$BENCH_DIR/arca-warp.XXXXXX")
[ -n "$OUT" ] || { OUT=$work/results; }
mkdir -p "$OUT"
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work/data"
  [ "$OUT" != "$work/results" ] && cp -f "$work/server.log" "$OUT/arca-server.log" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then
    echo "# kept $work" >&2
  else
    rm -rf "$work"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# building arca into $work" >&2
go build -o "$work/arca" ./cmd/arca

# Fixed keys: the server is on loopback only and lives for this run.
arca_ak=AKIDarcabench0000000000000000000000
arca_sk=arcabench-secret-0000000000000000000000
serve_flags=(--addr 127.0.0.1:0 --data "$work/data" --default-dialect s3 --log-level info)
[ -n "${ARCA_PPROF_ADDR:-}" ] && serve_flags+=(--pprof-addr "$ARCA_PPROF_ADDR")
# shellcheck disable=SC2206
[ -n "${ARCA_SERVE_FLAGS:-}" ] && serve_flags+=($ARCA_SERVE_FLAGS)
ARCA_ROOT_ACCESS_KEY=$arca_ak ARCA_ROOT_SECRET_KEY=$arca_sk ARCA_PPROF_ADDR= \
  "$work/arca" serve "${serve_flags[@]}" 2>"$work/server.log" &
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
[ -n "${PEER_ENDPOINT:-}" ] && echo "# $PEER_NAME on $PEER_ENDPOINT${PEER_PID:+ (pid $PEER_PID)}" >&2
echo "# warp $("$WARP" --version 2>/dev/null | sed 's/^warp version //'), suite $WARP_SUITE, results in $OUT" >&2

# steal_ticks: CPU time the hypervisor took from this machine, all CPUs,
# in USER_HZ ticks (0 where /proc/stat has no steal field).
steal_ticks() { awk '/^cpu /{print ($9 == "" ? 0 : $9); exit}' /proc/stat 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# run_suite NAME ENDPOINT AK SK PID SCENARIO: one scenario of the suite,
# its summary in $OUT/NAME/SCENARIO/summary.txt and the steal during the
# run, in s, in $OUT/NAME/SCENARIO.steal.
run_suite() {
  local name=$1 ep=$2 ak=$3 sk=$4 spid=$5 sc=$6 rc=0 s0 s1
  echo "# $sc: $name" >&2
  rm -rf "${OUT:?}/$name/$sc"
  s0=$(steal_ticks)
  ENDPOINT=$ep ACCESS_KEY=$ak SECRET_KEY=$sk WARP=$WARP SERVER_PID=$spid \
    SCENARIOS=$sc OUTDIR="$OUT/$name/$sc" bash "$WARP_SUITE" >"$OUT/$name/$sc.out" 2>&1 || rc=$?
  s1=$(steal_ticks)
  awk -v d=$((s1 - s0)) -v hz="$hz" 'BEGIN{printf "%.1f\n", d/hz}' >"$OUT/$name/$sc.steal"
  grep -v '^#' "$OUT/$name/$sc.out" | grep -v '^scenario ' | sed "s/\$/  steal $(cat "$OUT/$name/$sc.steal") s/" >&2 || true
  return $rc
}

# steal NAME SCENARIO: the steal in s during that run, or "-".
steal() { cat "$OUT/$1/$2.steal" 2>/dev/null || echo -; }

# keep_pair SCENARIO TRY: move this try's results aside (TRY=save) or
# bring the best saved try back (TRY=best: the one whose larger steal of
# the two servers is least).
keep_pair() {
  local sc=$1 what=$2 n best bestv v
  case "$what" in
    save)
      mkdir -p "$OUT/tries"
      n=$(find "$OUT/tries" -maxdepth 1 -name "$sc.*" | wc -l)
      mkdir -p "$OUT/tries/$sc.$n"
      for name in arca peer; do
        [ -d "$OUT/$name/$sc" ] || continue
        mkdir -p "$OUT/tries/$sc.$n/$name"
        mv "$OUT/$name/$sc" "$OUT/$name/$sc.out" "$OUT/$name/$sc.steal" "$OUT/tries/$sc.$n/$name/" 2>/dev/null || true
      done ;;
    best)
      best=""; bestv=""
      for d in "$OUT/tries/$sc".*; do
        [ -d "$d" ] || continue
        v=$( (cat "$d"/*/"$sc.steal" 2>/dev/null || true) | sort -g | tail -n1)
        if [ -z "$best" ] || awk -v a="${v:-0}" -v b="$bestv" 'BEGIN{exit !(a < b)}'; then best=$d; bestv=${v:-0}; fi
      done
      [ -n "$best" ] || return 0
      for name in arca peer; do
        [ -d "$best/$name" ] && cp -r "$best/$name/." "$OUT/$name/"
      done
      echo "# $sc: kept the try with the least steal ($bestv s): $best" >&2 ;;
  esac
}

# Scenario by scenario, Arca then the peer, so that both see the same
# machine state as closely as the run allows.
failed=0
for sc in $SCENARIOS; do
  for try in 0 1 2; do
    f=0
    mkdir -p "$OUT/arca"
    run_suite arca "$addr" "$arca_ak" "$arca_sk" "$pid" "$sc" || f=$((f + 1))
    if [ -n "${PEER_ENDPOINT:-}" ]; then
      mkdir -p "$OUT/peer"
      run_suite peer "$PEER_ENDPOINT" "$PEER_ACCESS_KEY" "$PEER_SECRET_KEY" "${PEER_PID:-}" "$sc" || f=$((f + 1))
    fi
    [ -n "${STEAL_MAX:-}" ] || break
    worst=$( (cat "$OUT"/arca/"$sc".steal "$OUT"/peer/"$sc".steal 2>/dev/null || true) | sort -g | tail -n1)
    if awk -v w="${worst:-0}" -v m="$STEAL_MAX" 'BEGIN{exit !(w <= m)}'; then
      [ "$try" -gt 0 ] && keep_pair "$sc" save && keep_pair "$sc" best
      break
    fi
    keep_pair "$sc" save
    if [ "$try" -eq 2 ]; then
      keep_pair "$sc" best
    else
      echo "# $sc: steal ${worst} s > STEAL_MAX=$STEAL_MAX, running the pair again" >&2
    fi
  done
  failed=$((failed + f))
done

# row NAME SCENARIO: the suite's summary line for the scenario's total
# (fields: scenario ops objs mib p50 p99 errs srvCPU srvRSS warpCPU other),
# or "FAILED".
row() {
  local f="$OUT/$1/$2/summary.txt"
  [ -r "$f" ] || { echo FAILED; return; }
  awk -v sc="$2" '$1 == sc { if ($2 == "FAILED") print "FAILED"; else print; found=1; exit } END { if (!found) print "FAILED" }' "$f"
}

# p50 NAME SCENARIO: the median request latency in ms, as the mean of
# warp's per-segment medians weighted by each segment's request count, or
# "-". warp's own "Reqs" figure (the suite's p50_ms column) is the
# unweighted mean over its 10 s segments, so the last segment, a handful of
# requests cut short as the run stops, counts as much as one of 50,000: a
# get 4 KiB run of 108,019 requests at 16 clients (a true mean of 2.9 ms by
# Little's law) printed 16 ms. Throughput figures are not affected.
p50() {
  local f="$OUT/$1/$2/$2.json.zst"
  { [ -r "$f" ] && command -v zstd >/dev/null && command -v "${JQ:-jq}" >/dev/null; } || { echo -; return; }
  zstd -dcq "$f" 2>/dev/null | "${JQ:-jq}" -r '
    [.total.requests_by_client[]?[]? | .single_sized_requests // empty | select(.skipped != true)] as $s
    | ($s | map(.requests) | add // 0) as $n
    | if $n > 0 then (($s | map(.dur_median_millis * .requests) | add) / $n * 100 | round / 100) else "-" end' 2>/dev/null || echo -
}

# The figure compared per scenario: ops/s for small objects and mixed,
# MiB/s for 1 and 64 MiB, keys/s (warp's obj/s) for list.
metric() {
  case "$1" in
    *-1MiB|*-64MiB) echo "4 MiB/s" ;;
    list-*) echo "3 keys/s" ;;
    *) echo "2 ops/s" ;;
  esac
}

table="$OUT/table.txt"
{
  echo "# warp suite, $(date -u +%FT%TZ), $(uname -n), warp $("$WARP" --version 2>/dev/null | sed 's/^warp version //'), DURATION=${DURATION:-20s}/${DURATION_LARGE:-10s}${WARP_EXTRA:+, WARP_EXTRA=$WARP_EXTRA}"
  if [ -n "${PEER_ENDPOINT:-}" ]; then
    printf '%-12s %-7s %10s %10s %7s | %7s %7s %5s %5s %6s %6s %6s %6s %6s %6s %5s %5s\n' \
      scenario unit arca "$PEER_NAME" ratio p50:arca p50:peer err:a err:p cpu:a cpu:p rss:a rss:p oth:a oth:p st:a st:p
  else
    printf '%-12s %-7s %10s | %7s %5s %6s %6s %6s %5s\n' scenario unit arca p50_ms errs srvCPU rss_M otherC steal
  fi
  for sc in $SCENARIOS; do
    read -r col unit <<<"$(metric "$sc")"
    a=$(row arca "$sc")
    if [ -n "${PEER_ENDPOINT:-}" ]; then
      p=$(row peer "$sc")
      awk -v sc="$sc" -v unit="$unit" -v col="$col" -v a="$a" -v p="$p" -v la="$(p50 arca "$sc")" -v lp="$(p50 peer "$sc")" -v sa="$(steal arca "$sc")" -v sp="$(steal peer "$sc")" 'BEGIN{
        na = split(a, A, " "); np = split(p, P, " ")
        av = (A[1] == "FAILED") ? "FAILED" : A[col]; pv = (P[1] == "FAILED") ? "FAILED" : P[col]
        ratio = (av+0 > 0 && pv+0 > 0) ? sprintf("%.2f", av/pv) : "-"
        printf "%-12s %-7s %10s %10s %7s | %7s %7s %5s %5s %6s %6s %6s %6s %6s %6s %5s %5s\n", sc, unit, av, pv, ratio,
          la, lp, (na>=7?A[7]:"-"), (np>=7?P[7]:"-"),
          (na>=8?A[8]:"-"), (np>=8?P[8]:"-"), (na>=9?A[9]:"-"), (np>=9?P[9]:"-"), (na>=11?A[11]:"-"), (np>=11?P[11]:"-"), sa, sp
      }'
    else
      awk -v sc="$sc" -v unit="$unit" -v col="$col" -v a="$a" -v la="$(p50 arca "$sc")" -v sa="$(steal arca "$sc")" 'BEGIN{
        na = split(a, A, " "); av = (A[1] == "FAILED") ? "FAILED" : A[col]
        printf "%-12s %-7s %10s | %7s %5s %6s %6s %6s %5s\n", sc, unit, av,
          la, (na>=7?A[7]:"-"), (na>=8?A[8]:"-"), (na>=9?A[9]:"-"), (na>=11?A[11]:"-"), sa
      }'
    fi
  done
  # Peak RSS over the suite: the largest per-scenario peak.
  peak() { for sc in $SCENARIOS; do row "$1" "$sc"; done | awk '$1 != "FAILED" && NF >= 9 && $9+0 > m {m = $9+0} END {print m+0}'; }
  if [ -n "${PEER_ENDPOINT:-}" ]; then
    pa=$(peak arca); pp=$(peak peer)
    awk -v a="$pa" -v p="$pp" 'BEGIN{ printf "%-12s %-7s %10s %10s %7s\n", "peak-RSS", "MiB", a, p, (a>0&&p>0)?sprintf("%.2f", a/p):"-" }'
  else
    printf '%-12s %-7s %10s\n' peak-RSS MiB "$(peak arca)"
  fi
  echo "# ratio = arca / $PEER_NAME (for peak-RSS lower is better); p50 in ms (segment medians weighted by requests, not"
  echo "# warp's unweighted figure in summary.txt); cpu = server CPU s, rss = server peak RSS MiB,"
  echo "# oth = otherCPU_s (host CPU used by neither server nor warp) per scenario: a few s is normal, tens = rerun;"
  echo "# st = CPU s the hypervisor took during the run (/proc/stat steal): more than a few s = rerun (STEAL_MAX)"
} > "$table"
echo
cat "$table"
hwm=$(awk '/^VmHWM:/{printf "%.0f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo "?")
echo "# arca lifetime peak RSS (VmHWM) ${hwm} MiB; warp reports and logs: $OUT"
[ "$failed" -eq 0 ] || { echo "# $failed suite run(s) failed: see $OUT/*/*.out" >&2; exit 1; }
