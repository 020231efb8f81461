#!/bin/bash
# make bench: nested world-switch cost, unpatched QEMU 10.2.2 against the
# patched tree, in one invocation.  Both binaries run the same guest (the
# conformance guest's benchmark mode, opt/svm/bench) on the same CPU
# model.  A row's cost is (time of a run with N round trips - time of a
# run with none) / N, the median of BENCH_RUNS runs; the last field is
# upstream/patched ("3.4x": the patched tree is 3.4 times faster).
#
#   BENCH_RUNS=N       runs per measurement (default 5)
#   BENCH_SCALE=K      multiply every row's N (default 1)
#   BENCH_CALLGRIND=1  also count host instructions per round trip with
#                      valgrind --tool=callgrind (slow; stable numbers)
#   BENCH_L2=0         leave out the l2-linux row (it needs mk/kernel.sh)
#   BENCH_ROWS="a b"   run only these rows (e.g. BENCH_ROWS=l2-linux)
set -uo pipefail
: "${TOP:?run from make}"
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-5}
scale=${BENCH_SCALE:-1}
guest=$QBUILD/tests/tcg/x86_64-softmmu/svm-conformance
cpu="qemu64,+svm,+npt,+vgif,+svme-addr-chk"
out=$BUILD/bench
mkdir -p "$out"

# Unpatched 10.2.2: the series' base commit, same configure flags.
upq=$(bash "$here/upstream.sh") || exit 1

# row, round trips per run
rows=("vmmcall 20000" "cpuid 20000" "ioio 20000" "npf 20000" "tlb 10000"
      "compute 20000")

run_once() {  # qemu row n -> wall ns
    local qemu=$1 row=$2 n=$3 t0 t1
    t0=$(date +%s%N)
    timeout 600 "$qemu" -M pc -cpu "$cpu" -nodefaults -no-reboot \
        -display none -monitor none \
        -chardev file,path="$out/guest.out",id=o -device isa-debugcon,chardev=o \
        -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
        -fw_cfg name=opt/svm/bench,string="$row" \
        -fw_cfg name=opt/svm/bench-n,string="$n" -kernel "$guest" \
        > /dev/null 2>&1
    t1=$(date +%s%N)
    grep -q "^bench $row n=$n" "$out/guest.out" || {
        echo "bench: $qemu, row $row: $(cat "$out/guest.out")" >&2
        echo -1
        return
    }
    echo $(( t1 - t0 ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ns per round trip: median over runs of (t(n) - t(0)) / n, the two runs
# interleaved so that machine noise hits both alike.
per_trip() {  # qemu row n
    local i a b
    for (( i = 0; i < runs; i++ )); do
        a=$(run_once "$1" "$2" "$3")
        b=$(run_once "$1" "$2" 0)
        echo $(( (a - b) / $3 ))
    done | median
}

ratio() { awk -v u="$1" -v p="$2" 'BEGIN { printf "%.1fx", (p > 0 ? u / p : 0) }'; }

echo "bench: $(date -u +%F) $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "bench: -cpu $cpu; ns per round trip (compute: per 256-step block)"
printf "bench: %-8s %7s %12s %12s %s\n" row n upstream patched upstream/patched
# BENCH_ROWS="vmmcall l2-linux ...": only these rows
want() { [ -z "${BENCH_ROWS:-}" ] || case " $BENCH_ROWS " in *" $1 "*) true;; *) false;; esac; }
for r in "${rows[@]}"; do
    set -- $r
    want "$1" || continue
    n=$(( $2 * scale ))
    u=$(per_trip "$upq" "$1" "$n")
    p=$(per_trip "$QEMU_BIN" "$1" "$n")
    printf "bench: %-8s %7d %12d %12d %s\n" "$1" "$n" "$u" "$p" "$(ratio "$u" "$p")"
done

# l2-linux: a real Linux L2 (mk/l2linux.sh) under Linux 7.2's KVM in L1,
# L0 = upstream and L0 = patched, BENCH_RUNS runs of L2 in one L1 boot each
# (wall time of the L2 phase, L1's clock); then the same L2 directly under
# TCG on the patched binary: the limit for nested TCG.  BENCH_L2=0 skips it.
l2_nested() {  # qemu tag -> median ms
    KVM_COLUMNS=7.2 KVM_PHASES=l2linux KVM_L2_RUNS=$runs KVM_L0_QEMU=$1 \
        KVM_NESTED_WORK=$out/l2-$2 bash "$here/kvm-nested.sh" > "$out/l2-$2.log" 2>&1
    grep "^l2linux: run " "$out/l2-$2.log" | grep -c . | grep -qx "$runs" || {
        echo "bench: l2-linux ($2): $(grep -m1 -E 'FAIL|cannot' "$out/l2-$2.log"); see $out/l2-$2.log" >&2
        echo -1
        return
    }
    sed -n 's/^l2linux: run [0-9]* wall \([0-9.]*\) s/\1/p' "$out/l2-$2.log" |
        awk '{ printf "%d\n", $1 * 1000 }' | median
}
l2_direct() {  # kernel initrd -> median ms
    local i t0 t1
    for (( i = 0; i < runs; i++ )); do
        t0=$(date +%s%N)
        timeout 300 "$QEMU_BIN" -M pc -accel tcg -cpu EPYC -m 256 -nodefaults \
            -display none -no-reboot -serial file:"$out/l2-direct.out" \
            -kernel "$1" -initrd "$2" \
            -append "console=ttyS0 quiet panic=-1 rdinit=/init l2rounds=1" > /dev/null 2>&1
        t1=$(date +%s%N)
        grep -q "^L2: end" "$out/l2-direct.out" || { echo -1; return; }
        echo $(( (t1 - t0) / 1000000 ))
    done | median
}
if [ "${BENCH_L2:-1}" = 1 ] && want l2-linux; then
    if l2=$(bash "$here/l2linux.sh" 2> "$out/l2linux.err"); then
        u=$(l2_nested "$upq" upstream)
        p=$(l2_nested "$QEMU_BIN" patched)
        d=$(l2_direct $l2)
        printf "bench: %-8s %7d %12d %12d %s  (ms per L2 run)\n" l2-linux "$runs" "$u" "$p" "$(ratio "$u" "$p")"
        awk -v p="$p" -v d="$d" 'BEGIN { printf "bench: l2-linux direct under TCG %d ms; nested/direct %.2f\n", d, (d > 0 ? p / d : 0) }'
    else
        echo "bench: l2-linux: no L2 Linux ($(tail -1 "$out/l2linux.err"))"
    fi
fi

[ "${BENCH_CALLGRIND:-0}" = 1 ] || exit 0
command -v valgrind > /dev/null || {
    echo "bench: no valgrind; run: apt-get install valgrind"
    exit 1
}

ir_once() {  # qemu row n -> total instructions (Ir)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" \
        "$1" -M pc -cpu "$cpu" -nodefaults -no-reboot -display none \
        -monitor none -chardev file,path="$out/guest.out",id=o \
        -device isa-debugcon,chardev=o \
        -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
        -fw_cfg name=opt/svm/bench,string="$2" \
        -fw_cfg name=opt/svm/bench-n,string="$3" -kernel "$guest" \
        > /dev/null 2> "$out/cg.err"
    sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out/cg.out"
}

echo "bench: host instructions per round trip (callgrind)"
printf "bench-ir: %-8s %7s %12s %12s %s\n" row n upstream patched upstream/patched
for r in "${rows[@]}"; do
    set -- $r
    n=$(( $2 / 10 ))
    u=$(( ($(ir_once "$upq" "$1" "$n") -
           $(ir_once "$upq" "$1" 0)) / n ))
    p=$(( ($(ir_once "$QEMU_BIN" "$1" "$n") - $(ir_once "$QEMU_BIN" "$1" 0)) / n ))
    printf "bench-ir: %-8s %7d %12d %12d %s\n" "$1" "$n" "$u" "$p" "$(ratio "$u" "$p")"
done
