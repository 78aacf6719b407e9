#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Instructions per operation, counted by callgrind: repeatable where times
# are not (another machine, another load). For scenarios 1-3, each subject
# beside its floor, counted only inside the function that measures.
#
#   bash bench/callgrind.sh BUILDDIR [SIZE...]     (default sizes: 10 1000)
set -euo pipefail
build=${1:?usage: bench/callgrind.sh BUILDDIR [SIZE...]}
shift
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(10 1000); fi
bench=$build/bench/fifo-bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# count FUNCTION OPS ARGS...: instructions inside FUNCTION, per operation.
count () {
  local function=$1 ops=$2
  shift 2
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" --toggle-collect="$function" \
    "$bench" --quick --repetitions 1 --python true "$@" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
  local total
  total=$(sed -n 's/^summary: //p' "$out/cg")
  awk -v t="$total" -v n="$ops" 'BEGIN { printf "%10.0f", t / n }'
}

printf '%-36s %-30s %10s\n' scenario subject instructions/op
# Scenario 1: 200000 try+release pairs (quick).
printf '%-36s %-30s %s\n' "1 uncontended try+release" "GMutex lock+unlock (floor)" \
  "$(count measure_gmutex 200000 --only '1 uncontended')"
for subject in "FifoLock" "FifoMutex"; do
  printf '%-36s %-30s %s\n' "1 uncontended try+release" "$subject" \
    "$(count measure_try 200000 --only '1 uncontended' --subject "$subject")"
done
# Scenario 2: 20000 round trips (quick).
printf '%-36s %-30s %s\n' "2 uncontended async round trip" "bare iteration (floor)" \
  "$(count measure_bare_iteration 20000 --only '2 uncontended')"
for subject in "FifoLock" "FifoMutex"; do
  printf '%-36s %-30s %s\n' "2 uncontended async round trip" "$subject" \
    "$(count measure_uncontended_async 20000 --only '2 uncontended' --subject "$subject")"
done
# Scenario 3: a chain of max(100000, 2N) hand-offs (quick).
for n in "${sizes[@]}"; do
  total=$(( n * 2 > 100000 ? n * 2 : 100000 ))
  for subject in "floor" "FifoMutex" "FifoLock" "FifoSemaphore"; do
    printf '%-36s %-30s %s\n' "3 hand-off chain N=$n" "$subject" \
      "$(count chain_thread "$total" --only '3 hand-off' --size "$n" --subject "$subject")"
  done
done
