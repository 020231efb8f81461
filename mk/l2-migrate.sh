#!/bin/bash
# Migrate L0 while L1's KVM runs a real Linux L2 (issue: "a real L2 OS").
#
#   mk/l2-migrate.sh NAME [L0-QEMU]
#
# L0 = L0-QEMU (default the patched binary) under TCG; L1 = Linux 7.2 with
# KVM built in (mk/kernel.sh); L2 = the same kernel with the busybox init
# of mk/linux/l2-init.sh, l2rounds=10.  Twice, after L2 completes a
# round in the running stage, L0 is migrated to a file (live, QMP "migrate"
# to file:) until an image has a vCPU in guest mode, quit, and restored
# into a fresh QEMU with -incoming; the last QEMU runs until L1 powers
# off.  The "l2: " lines of the three consoles, joined, must be exactly
# what an unmigrated L2 prints (computed here, not recorded).
# Last line: "l2-migrate: NAME: PASS" or "l2-migrate: NAME: FAIL <why>".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1
L0=${2:-$QEMU_BIN}
work=$BUILD/l2-migrate/$name
# enough rounds that a migration needing many tries (up to 18 seen) still
# ends before L2 does
rounds=10
rm -rf "$work"
mkdir -p "$work"
say() { echo "l2-migrate: $name: $*"; }
fail() { say "FAIL $*"; exit 1; }

prep=$(KVM_COLUMNS=7.2 KVM_PHASES=l2linux KVM_L2_ROUNDS=$rounds KVM_PREPARE_ONLY=1 \
       KVM_NESTED_WORK=$work/l1 bash "$here/kvm-nested.sh" 2> "$work/prepare.err")
read -r _ _ kernel initrd < <(grep "^kvm-7.2: prepared " <<< "$prep")
cpu=$(sed -n 's/^kvm-7.2: l0-cpu //p' <<< "$prep")
cmdline=$(sed -n 's/^kvm-7.2: l1-cmdline //p' <<< "$prep")
[ -n "${initrd:-}" ] || fail "cannot prepare L1 ($(tail -1 "$work/prepare.err"))"

# What an unmigrated L2 prints: the checksum of 4 MiB of each round's letter.
{
    echo "l2: start rounds=$rounds"
    for r in $(seq $rounds); do
        c=$(echo abcdefghijklmnopqrstuvwxyz | cut -c$r)
        echo "l2: round $r fork/exec 200 io $(head -c 4194304 /dev/zero | tr '\0' "$c" |
             md5sum | cut -d' ' -f1) same slept"
    done
    echo "l2: end"
} > "$work/expected"

# launch STAGE [IMAGE]: L0 in the background, console and QMP per stage
launch() {
    local in=()
    [ -n "${2:-}" ] && in=(-incoming "file:$2")
    "$L0" -M pc -accel tcg -cpu "$cpu" -m 2048 -smp 2 -nodefaults \
        -display none -no-reboot -serial file:"$work/console.$1" \
        -qmp unix:"$work/qmp.$1",server=on,wait=off \
        -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
        "${in[@]}" > "$work/l0.$1.log" 2>&1 &
    pid=$!
}
# consoles: every console so far, CR dropped
consoles() { cat "$work"/console.* 2> /dev/null | tr -d '\r'; }
# wait_for PATTERN SECONDS: until PATTERN is in the consoles or L0 exits
wait_for() {
    local t
    for (( t = 0; t < $2 * 10; t++ )); do
        consoles | grep -q "$1" && return 0
        kill -0 $pid 2> /dev/null || return 1
        sleep 0.1
    done
    return 1
}

# in_guest IMAGE: the image has a vCPU between VMRUN and #VMEXIT with NPT:
# the subsection record (QEMU_VM_SUBSECTION, name length, name) of
# "cpu/svn_npt" (the name alone also occurs in L1's RAM: its QEMU binary)
in_guest() {
    python3 -c 'import sys; sys.exit(b"\x05\x0bcpu/svn_npt" not in open(sys.argv[1], "rb").read())' "$1"
}

t0=$(date +%s)
launch 0
seen=0
for stage in 0 1; do
    # a round L2 completes in this stage (the migration before may have
    # taken several rounds)
    marker="^l2: round $((seen + 1)) "
    if ! wait_for "$marker" 600; then
        kill -9 $pid 2> /dev/null
        fail "stage $stage: no '${marker#^}' from L2 (exit: $(tail -1 "$work/l0.$stage.log"); console: $(consoles | tail -1))"
    fi
    consoles | grep -q "^l2: end" && fail "stage $stage: L2 ended before the migration"
    # The image must hold a vCPU in guest mode; when the stop fell into
    # L1, let the source run on and migrate again.
    img=$work/l0.$stage.img
    for try in $(seq 20); do
        if ! python3 "$here/qmp.py" "$work/qmp.$stage" \
                migrate-set-parameters '{"max-bandwidth": 4294967296}' \
                migrate "{\"uri\": \"file:$img\"}" wait-migration > "$work/qmp.$stage.log" 2>&1; then
            kill -9 $pid 2> /dev/null
            fail "migration $((stage + 1)) did not complete ($(tail -1 "$work/qmp.$stage.log"))"
        fi
        in_guest "$img" && break
        rm -f "$img"
        python3 "$here/qmp.py" "$work/qmp.$stage" cont > /dev/null 2>&1
        sleep 0.$((RANDOM % 10))
    done
    [ -f "$img" ] || { kill -9 $pid; fail "migration $((stage + 1)): no stop in guest mode in 20 tries"; }
    consoles | grep -q "^l2: end" && fail "migration $((stage + 1)): L2 ended while migrating"
    seen=$(consoles | grep -c "^l2: round ")
    python3 "$here/qmp.py" "$work/qmp.$stage" quit > /dev/null 2>&1
    wait $pid 2> /dev/null
    say "migration $((stage + 1)) after L2's round $seen: $(du -h "$img" | cut -f1) image, a vCPU in guest mode (try $try)"
    launch $((stage + 1)) "$img"
    if ! python3 "$here/qmp.py" "$work/qmp.$((stage + 1))" wait-incoming \
            > "$work/qmp.$((stage + 1)).in" 2>&1; then
        sleep 1
        kill -9 $pid 2> /dev/null
        fail "restore $((stage + 1)) failed: $(grep -v '^$' "$work/l0.$((stage + 1)).log" | tail -2 | tr '\n' ' ')"
    fi
    rm -f "$work/l0.$((stage - 1)).img"
done
# the last L0 runs until L2 ends and L1 powers off
wait_for "^l2: end" 420 && wait_for "^kvm-nested: done" 30
done_rc=$?
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
rm -f "$work"/l0.*.img
# A round far slower than round 1 is a FAIL of its own: it was how a KVM
# TSC bug showed (mk/kvm-nested.sh, kvm.tsc_tolerance_ppm).
rounds=$(consoles | sed -n 's/^l2-uptime: round [0-9]* //p' |
         awk '{ printf "%.0f ", $1 - p; p = $1 }')
slow=$(awk -v r="$rounds" 'BEGIN { n = split(r, t, " ");
       for (i = 2; i <= n; i++) if (t[i] > 4 * t[1]) { print 1; exit } }')
consoles | grep "^l2: " > "$work/got"
if ! diff -u "$work/expected" "$work/got" > "$work/diff"; then
    [ $done_rc = 0 ] || fail "after restore 2: L2/L1 did not finish (rounds: ${rounds}s; console: $(consoles | tail -1))"
    fail "L2's output differs from an unmigrated run: $(grep '^[-+][^-+]' "$work/diff" | head -2 | tr '\n' ' ')"
fi
[ $done_rc = 0 ] || fail "after restore 2: L1 did not finish (rounds: ${rounds}s; console: $(consoles | tail -1))"
say "$(grep -c . "$work/got") L2 lines, round times ${rounds}s, $(( $(date +%s) - t0 )) s"
[ -z "$slow" ] || fail "L2 slowed down: round times ${rounds}s (more than 4x round 1)"
say PASS
