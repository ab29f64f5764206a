#!/usr/bin/env bash
# Parley against the reference (ejabberd with every message archived in PostgreSQL), in one
# sitting, one system at a time, and the ratios (issue 13's targets). Run from anywhere:
#
#   REFERENCE=/path/to/ejabberd-bench load-tool/compare.sh          # both, then the ratios
#   load-tool/compare.sh --parley-only                              # Parley's figures alone
#
# REFERENCE is the reference harness's directory (setup.sh, ejb.sh, register-users.sh,
# run-suite.sh; load-tool/README.md, "compare"). Parley runs with `./im` (rate limits raised,
# IM_JAVA_OPTS as given). Nothing else should run on the machine: the script waits for a quiet
# machine before each system, and says how busy it was. Output: every RESULT line, the CPU
# per delivered message of each process (the per-hop budget, docs/performance.md), and a table.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${COMPARE_OUT:-/tmp/parley-compare/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
PARLEY=1
REF=1
case "${1:-}" in
  --parley-only) REF=0 ;;
  --reference-only) PARLEY=0 ;;
  "") ;;
  *) echo "usage: $0 [--parley-only|--reference-only]" >&2; exit 2 ;;
esac
if [[ "$REF" == 1 && ! -x "${REFERENCE:-/nonexistent}/run-suite.sh" ]]; then
  echo "compare: set REFERENCE to the reference harness's directory (or pass --parley-only)" >&2
  exit 2
fi
JAR=load-tool/target/load-tool.jar
TOOL=(java -Xms256m -Xmx2g -XX:+UseSerialGC -jar "$JAR")
# The scenarios: Parley's load-tool arguments and the reference's run-suite names (same shape).
declare -A P=(
  [c100w10]="chat --users 100 --closed-loop --in-flight 10 --warmup 10s --duration 30s"
  [o100r400]="chat --users 100 --rate 400 --warmup 5s --duration 20s"
  [o1000r500]="chat --users 1000 --rate 500 --warmup 5s --duration 20s --setup-timeout 180s"
  [o1000r1000]="chat --users 1000 --rate 1000 --warmup 5s --duration 20s --setup-timeout 180s"
  [idle10k]="idle --sockets 10000 --hold 10"
  [reconnect5k]="reconnect --users 5000 --messages 5"
)
declare -A R=([c100w10]=c100x200w10 [o1000r500]=o1000r500 [o1000r1000]=o1000r1000)
ORDER=(c100w10 o100r400 o1000r500 o1000r1000 idle10k reconnect5k)
[[ -n "${SCENARIOS:-}" ]] && read -r -a ORDER <<<"$SCENARIOS"

say() { echo "compare: $*" | tee -a "$OUT/summary.txt"; }
busy3s() { # machine-wide busy CPU % over 3 s, 100 = one core
  local a b tot=0 i
  a=($(head -1 /proc/stat)); sleep 3; b=($(head -1 /proc/stat))
  for i in 1 2 3 4 5 6 7 8; do tot=$((tot + b[i] - a[i])); done
  echo $(( (tot - (b[4] - a[4]) - (b[5] - a[5])) * 100 * $(nproc) / (tot > 0 ? tot : 1) ))
}
wait_quiet() { # up to 120 s for the machine to fall below 30 % busy
  local t0=$SECONDS b
  while b=$(busy3s); [[ "$b" -ge 30 && $((SECONDS - t0)) -lt 120 ]]; do :; done
  say "machine ${b}% busy before $1 (waited $((SECONDS - t0)) s)"
}
# CPU ticks (utime + stime) of a service (its pid file from ./im) or of the processes named so.
ticks() {
  local total=0 pid f pids
  if [[ -f ".im/pids/$1.pid" ]]; then pids=$(cat ".im/pids/$1.pid"); else pids=$(pgrep -x "$1"); fi
  for pid in $pids; do
    f=($(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null)) || continue
    total=$((total + ${f[11]:-0} + ${f[12]:-0}))
  done
  echo "$total"
}
HOPS=(gateway-service message-service unread-service presence-service user-service relation-service media-service postgres beam.smp redis-server)
snapshot() { local h; for h in "${HOPS[@]}"; do printf '%s=%s ' "$h" "$(ticks "$h")"; done; }

result() { grep -h "^RESULT [a-z]" "$1" 2>/dev/null | tail -1; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

run_parley_scenario() {
  local name=$1 log="$OUT/parley-$name.log" before after delivered
  wait_quiet "parley $name"
  # shellcheck disable=SC2086
  timeout 900 "${TOOL[@]}" ${P[$name]} >"$log" 2>&1 &
  local tool=$!
  # The CPU budget counts from the first send (chat) or the first socket (the others): the set-up
  # (registrations hash passwords, friendships) is not the message path.
  while kill -0 "$tool" 2>/dev/null && ! grep -q "^\[load-tool\] sending:" "$log" 2>/dev/null \
    && [[ "${P[$name]}" == chat* ]]; do sleep 0.2; done
  before=$(snapshot)
  # PROFILE=1: a JFR recording (CPU samples, allocations) of the gateway and message-service while
  # each chat scenario sends, in $OUT (read with `jfr view hot-methods` / `allocation-by-site`,
  # JDK 21+'s jfr reads JDK 17's recordings).
  local svc
  if [[ "${PROFILE:-0}" == 1 && "${P[$name]}" == chat* ]]; then
    for svc in gateway-service message-service; do
      jcmd "$(cat ".im/pids/$svc.pid")" JFR.start name=compare settings=profile >/dev/null 2>&1
    done
  fi
  # ... and ends when the pushes have drained: the unread and history checks after it are REST.
  while kill -0 "$tool" 2>/dev/null && ! grep -q "^\[load-tool\] drained" "$log" 2>/dev/null \
    && [[ "${P[$name]}" == chat* ]]; do sleep 0.2; done
  after=$(snapshot)
  if [[ "${PROFILE:-0}" == 1 && "${P[$name]}" == chat* ]]; then
    for svc in gateway-service message-service; do
      jcmd "$(cat ".im/pids/$svc.pid")" JFR.stop name=compare filename="$OUT/$name-$svc.jfr" >/dev/null 2>&1
    done
  fi
  wait "$tool"
  say "parley $name: $(result "$log")"
  delivered=$(sed -n 's/^delivered *\([0-9]*\) of.*/\1/p' "$log" | tail -1)
  if [[ -n "$delivered" && "$delivered" -gt 0 ]]; then
    local line="parley $name CPU per delivered message (µs):" h b a hz
    hz=$(getconf CLK_TCK)
    for h in "${HOPS[@]}"; do
      b=$(sed -n "s/.*$h=\([0-9]*\).*/\1/p" <<<"$before")
      a=$(sed -n "s/.*$h=\([0-9]*\).*/\1/p" <<<"$after")
      line+=" $h=$(( (a - b) * 1000000 / hz / delivered ))"
    done
    say "$line (from the first send to the drain: warm-up included; set-up and checks not)"
  fi
}

if [[ "$PARLEY" == 1 ]]; then
  [[ -f "$JAR" ]] || ./mvnw -B -q -pl load-tool -am package -DskipTests || exit 1
  ./im down >/dev/null 2>&1
  say "parley: ./im up at $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with changes)')"
  IM_MESSAGE_SEND_RATE=100000 IM_MESSAGE_SEND_BURST=100000 IM_RATE_LIMIT_REPLENISH=100000 \
    IM_RATE_LIMIT_BURST=100000 IM_ACCESS_TOKEN_TTL="${IM_ACCESS_TOKEN_TTL:-2h}" \
    ./im up >"$OUT/im-up.log" 2>&1 || { say "parley did not start: $(tail -3 "$OUT/im-up.log")"; exit 1; }
  # A fresh JVM runs interpreted at first: one untimed run so that every scenario meets warm
  # services (its log: parley-warmup.log).
  timeout 300 "${TOOL[@]}" chat --users 50 --rate 200 --warmup 0s --duration 20s \
    >"$OUT/parley-warmup.log" 2>&1
  say "parley warm-up: $(result "$OUT/parley-warmup.log")"
  for name in "${ORDER[@]}"; do run_parley_scenario "$name"; done
  ./im down >/dev/null 2>&1
fi

if [[ "$REF" == 1 ]]; then
  ( cd "$REFERENCE" && ./setup.sh ) >"$OUT/reference-setup.log" 2>&1 || { say "reference setup failed"; exit 1; }
  ( cd "$REFERENCE" && ./ejb.sh start ) >>"$OUT/reference-setup.log" 2>&1
  for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/5280) 2>/dev/null && break; sleep 1; done
  ( cd "$REFERENCE" && ./register-users.sh 1000 ) >>"$OUT/reference-setup.log" 2>&1
  wait_quiet "the reference"
  names=()
  for name in "${ORDER[@]}"; do [[ -n "${R[$name]:-}" ]] && names+=("${R[$name]}"); done
  ( cd "$REFERENCE" && ./run-suite.sh "${names[@]}" ) >"$OUT/reference.log" 2>&1
  for name in "${ORDER[@]}"; do
    [[ -n "${R[$name]:-}" ]] || continue
    line=$(grep -A2 "^=== ${R[$name]}:" "$OUT/reference.log" | grep -o "RESULT.*" | tail -1)
    echo "$line" >"$OUT/reference-$name.log"
    say "reference ${R[$name]}: $line"
  done
  pid=$(cat /tmp/ejabberd-bench/ejabberd.pid 2>/dev/null || true)
  ( cd "$REFERENCE" && ./ejb.sh stop ) >/dev/null 2>&1
  for _ in $(seq 60); do [[ -n "$pid" && -d /proc/$pid ]] || break; sleep 1; done
fi

# The table: Parley's figure, the reference's, the ratio.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
{
  echo
  echo "| scenario | Parley | reference | Parley / reference |"
  echo "|---|---|---|---|"
  for name in "${ORDER[@]}"; do
    p=$(result "$OUT/parley-$name.log")
    r=$(cat "$OUT/reference-$name.log" 2>/dev/null || true)
    case "$name" in
      idle*) echo "| $name | $(field "$p" heap_kib_per_socket) KiB heap, $(field "$p" rss_kib_per_socket) KiB RSS per socket | | |" ;;
      reconnect*) echo "| $name | bare $(field "$p" bare_s) s, with catch-up $(field "$p" catchup_s) s (x$(field "$p" ratio)); lost $(field "$p" lost), dup $(field "$p" dup), ooo $(field "$p" ooo) | | |" ;;
      *)
        echo "| $name delivered msg/s | $(field "$p" tput) | $(field "$r" tput) | $(ratio "$(field "$p" tput)" "$(field "$r" tput)") |"
        echo "| $name p50 / p99 ms | $(field "$p" p50_ms) / $(field "$p" p99_ms) | $(field "$r" p50_ms) / $(field "$r" p99_ms) | $(ratio "$(field "$p" p50_ms)" "$(field "$r" p50_ms)") / $(ratio "$(field "$p" p99_ms)" "$(field "$r" p99_ms)") |"
        echo "| $name lost / dup / ooo | $(field "$p" lost) / $(field "$p" dup) / $(field "$p" ooo) | $(field "$r" lost) / $(field "$r" dup) / $(field "$r" ooo) | |"
        ;;
    esac
  done
  echo
  echo "$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1); logs in $OUT"
} | tee -a "$OUT/summary.txt"
