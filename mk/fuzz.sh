#!/bin/bash
# make fuzz: the SVM conformance guest's fuzzing mode (opt/svm/fuzz-seed)
# against a QEMU built with AddressSanitizer and UBSan (build/qemu-asan).
#
#   FUZZ_SEEDS=N      seeds to run (default 4), from FUZZ_SEED0 (default 1)
#   FUZZ_ITERS=N      iterations per seed (default 20000)
#   FUZZ_SECONDS=N    or: stop starting new seeds after N seconds
#   FUZZ_JOBS=N       QEMUs in parallel (default: the number of CPUs)
#   FUZZ_QEMU=path    the QEMU to fuzz (default: the sanitizer build)
#
# A seed fails when QEMU crashes or aborts, a sanitizer reports, the guest
# reports an anomaly, or the guest stops making progress (host timeout).
# Each failure prints the command line that reproduces it.  Last line:
#   fuzz: N iterations, N seeds, N failures
set -uo pipefail
: "${TOP:?run from make}"
seeds=${FUZZ_SEEDS:-4}
seed0=${FUZZ_SEED0:-1}
iters=${FUZZ_ITERS:-20000}
seconds=${FUZZ_SECONDS:-0}
jobs=${FUZZ_JOBS:-$(nproc)}
qemu=${FUZZ_QEMU:-$BUILD/qemu-asan/qemu-system-x86_64}
guest=$QBUILD/tests/tcg/x86_64-softmmu/svm-conformance
out=$BUILD/fuzz
mkdir -p "$out"
rm -f "$out"/seed-*

# The CPU models the conformance suite runs on, one per seed in turn.
cpus=("qemu64,+svm,+npt,+vgif,+svme-addr-chk" "max" "EPYC"
      "qemu64,+svm,+npt,+vgif,vendor=GenuineIntel")

# Sanitizers: distinct exit codes, no leak report at exit (QEMU does not
# free everything), UBSan stops at the first report.
export ASAN_OPTIONS=exitcode=86:detect_leaks=0:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1

run_seed() {
    local seed=$1 cpu=$2 log=$out/seed-$1 rc
    # ~2000 iterations/s without sanitizers; allow 20 ms each, 60 s minimum
    local limit=$(( iters / 50 > 60 ? iters / 50 : 60 ))
    local cmd=("$qemu" -M pc -cpu "$cpu" -nodefaults -no-reboot
               -display none -monitor none
               -chardev "file,path=$log.out,id=output"
               -device isa-debugcon,chardev=output
               -device isa-debug-exit,iobase=0xf4,iosize=0x4
               -fw_cfg "name=opt/svm/fuzz-seed,string=$seed"
               -fw_cfg "name=opt/svm/fuzz-iters,string=$iters"
               -kernel "$guest")
    printf '%q ' "${cmd[@]}" > "$log.cmd"
    timeout -s KILL "$limit" "${cmd[@]}" > "$log.err" 2>&1
    rc=$?
    echo "$rc" > "$log.rc"
}

start=$(date +%s)
n=0
running=0
for (( s = seed0; s < seed0 + seeds; s++ )); do
    if (( seconds > 0 && $(date +%s) - start >= seconds )); then
        break
    fi
    # (stderr: no "Aborted" job notices; QEMU's own goes to the log)
    run_seed "$s" "${cpus[$(( s % ${#cpus[@]} ))]}" 2> /dev/null &
    n=$(( n + 1 ))
    running=$(( running + 1 ))
    if (( running >= jobs )); then
        wait -n
        running=$(( running - 1 ))
    fi
done
wait

total=0
failures=0
for (( s = seed0; s < seed0 + n; s++ )); do
    log=$out/seed-$s
    rc=$(cat "$log.rc")
    done_line=$(grep -a '^FUZZ-END' "$log.out" 2>/dev/null)
    if [ -n "$done_line" ]; then
        it=$(sed -n 's/.*iterations=\([0-9]*\).*/\1/p' <<< "$done_line")
    else
        # the last progress mark the guest printed (every 1024)
        it=$(grep -a '^P ' "$log.out" 2>/dev/null | tail -1 | cut -d' ' -f2)
        it=${it:-0}
    fi
    total=$(( total + it ))
    why=
    # guest returns 0: ACPI power-off (0); 1 (anomalies): isa-debug-exit 3
    case $rc in
    0) [ -n "$done_line" ] || why="guest stopped without a result" ;;
    3) why="anomaly: $(grep -a -m1 '^ANOMALY' "$log.out")" ;;
    86) why="AddressSanitizer report" ;;
    87) why="UBSan report" ;;
    137) why="no progress: killed after the time limit (last mark ${it})" ;;
    *) why="QEMU exited with status $rc" ;;
    esac
    if grep -aq 'runtime error:\|AddressSanitizer\|Assertion\|qemu: fatal' \
            "$log.err"; then
        why=${why:-sanitizer or assertion output}
    fi
    if [ -n "$why" ]; then
        failures=$(( failures + 1 ))
        echo "fuzz: FAIL seed $s: $why"
        grep -a -m5 'runtime error:\|ERROR: AddressSanitizer\|Assertion\|qemu: fatal\|^ANOMALY' \
            "$log.err" "$log.out" | sed 's/^/fuzz:   /'
        echo "fuzz:   reproduce: $(cat "$log.cmd")"
        echo "fuzz:   one iteration: add -fw_cfg name=opt/svm/fuzz-start,string=K" \
             "-fw_cfg name=opt/svm/fuzz-verbose,string=1 and fuzz-iters=1"
    fi
done
echo "fuzz: $total iterations, $n seeds, $failures failures"
[ "$failures" -eq 0 ]
