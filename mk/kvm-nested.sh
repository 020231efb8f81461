#!/bin/bash
# make check-kvm-nested: the kvm columns, with Linux's KVM running inside
# the patched TCG QEMU:
#   L0 = patched QEMU (or KVM_L0_QEMU), TCG, -cpu $KVM_L0_CPU (EPYC with SVM
#        and the SVM features TCG offers)
#   L1 = a Linux kernel with kvm-amd nested=1 + the patched QEMU
#   L2 = the conformance guest under -accel kvm (its own L2s are L3)
# One column per L1 kernel (KVM_COLUMNS, default "6.12 7.2"):
#   6.12  Debian's linux-image package (KVM_KERNEL_PKG), kvm-amd a module
#   7.2   Linux 7.2.13 built by mk/kernel.sh (KVM built in); this boot also
#         runs KVM's own x86 selftests
# Prints "kvm-<ver>: <verdict> <id>" per scenario, "kvm-<ver>: N scenarios,
# N passed, N failed, N known-failures" per column, and for 7.2
# "selftest: <verdict> <name> (<s> s)" and "selftests: N tests, N passed,
# N failed, N skipped".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KVM_COLUMNS=${KVM_COLUMNS:-"6.12 7.2"}
KVM_KERNEL_PKG=${KVM_KERNEL_PKG:-linux-image-6.12.95+deb12-amd64}
L0_QEMU=${KVM_L0_QEMU:-$QEMU_BIN}
KVM_L0_CPU=${KVM_L0_CPU:-EPYC,+svm,+npt,+vgif,+svme-addr-chk,+tsc-scale,+pause-filter,+vnmi}
# kvm.tsc_tolerance_ppm: TCG offers no invariant TSC, and L0 = 10.2.2
# (KVM_L0_QEMU) no TSC scaling, so a built-in KVM (7.2) takes the VMs' default TSC rate from
# L1's early calibration (kvm_timer_init(): max_tsc_khz = tsc_khz without
# CONSTANT_TSC).  On a loaded host that calibration falls back to the HPET
# and can be 0.15 % off the refined value; beyond tsc_tolerance_ppm (250)
# kvm_set_tsc_khz() at vCPU creation fails in set_tsc_khz() ("user
# requested TSC rate below hardware speed") before it writes the TSC
# multiplier, which stays 0: kvm_read_l1_tsc() is then constant and every
# TSC-deadline timer of the guest fires about as late as the guest is old
# (L2's rounds doubled: 7, 15, 30, 61, 122 s).  Reproduced on an idle
# machine with tsc_early_khz=2090000; 5000 ppm keeps the rate in
# tolerance (the guest TSC then runs at the hardware rate, as it does).
# tsc=reliable: L1's TSC is TCG's, the host's TSC, but under TCG's timing
# noise L1's clocksource watchdog finds it skewed against the HPET and
# marks it unstable; KVM then re-bases every vCPU's TSC offset on each
# vCPU load (kvm_arch_vcpu_load(), "SMP vm created on host with unstable
# TSC"), so tsc_scaling_sync saw vCPUs' TSCs disagree by microseconds and
# nested_tsc_scaling_test skipped (clocksource not TSC).
KVM_L1_CMDLINE="console=ttyS0 quiet panic=-1 rdinit=/init hugepages=160 kvm.force_emulation_prefix=1 kvm.tsc_tolerance_ppm=5000 tsc=reliable kvm_amd.dump_invalid_vmcb=1"
cache=${SVM_APM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svm-apm}/kvm
guest=$QBUILD/tests/tcg/x86_64-softmmu/svm-conformance
QTEST_BIN=$QBUILD/tests/qtest/svm-conformance-test
ninja -C "$QBUILD" tests/qtest/svm-conformance-test > /dev/null || {
    echo "kvm-nested: cannot build tests/qtest/svm-conformance-test" >&2
    exit 1
}
status=0
phases=${KVM_PHASES:-conformance selftests}
has_phase() { case " $phases " in *" $1 "*) return 0;; esac; return 1; }

# column_root COL ROOT: kernel + busybox + the inner QEMU, its firmware,
# the guest and the qtest into ROOT; prints the kernel image's path.
column_root() {
    local col=$1 root=$2
    local pkg=$root.pkg kernel
    rm -rf "$pkg" "$root"
    mkdir -p "$pkg" "$root"/{bin,lib/modules,fw,proc,sys,dev,tmp}
    mkdir -p "$cache"
    local debs="busybox-static"
    [ "$col" = 6.12 ] && debs="$KVM_KERNEL_PKG $debs"
    for p in $debs; do
        if ! ls "$cache/${p}_"*.deb > /dev/null 2>&1 &&
           ! (cd "$cache" && apt-get download -q "$p" > /dev/null 2>&1); then
            echo "kvm-$col: cannot download $p from the Debian mirror; run" \
                 "'bash mk/deps.sh --force' then 'apt-get download $p'" >&2
            return 1
        fi
        dpkg-deb -x "$(ls "$cache/${p}_"*.deb | tail -1)" "$pkg"
    done
    if [ "$col" = 6.12 ]; then
        local kver moddir m
        kver=$(ls "$pkg/lib/modules")
        moddir=$pkg/lib/modules/$kver/kernel
        for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp \
                 arch/x86/kvm/kvm-amd; do
            if [ -f "$moddir/$m.ko.xz" ]; then      # 6.12 compresses, 6.1 does not
                xz -dc "$moddir/$m.ko.xz" > "$root/lib/modules/$(basename "$m").ko"
            else
                cp "$moddir/$m.ko" "$root/lib/modules/"
            fi
        done
        kernel=$pkg/boot/vmlinuz-$kver
    else
        local built
        built=$(bash "$here/kernel.sh") || return 1
        kernel=$(sed -n 1p <<< "$built")
        if has_phase selftests; then
            cp -r "$(sed -n 2p <<< "$built")" "$root/selftests"
            cp "$here/linux/selftests.conf" "$root/selftests.conf"
        fi
    fi
    if has_phase l2linux; then          # a real Linux as L2 (mk/l2linux.sh)
        local l2
        l2=$(bash "$here/l2linux.sh") || return 1
        mkdir -p "$root/l2"
        cp "$(sed -n 1p <<< "$l2")" "$root/l2/bzImage"
        cp "$(sed -n 2p <<< "$l2")" "$root/l2/initrd.gz"
        echo "${KVM_L2_RUNS:-1} ${KVM_L2_ROUNDS:-1}" > "$root/l2/runs"
    fi
    cp "$pkg/bin/busybox" "$root/bin/"
    # The inner QEMU is the patched binary, with its libraries and firmware.
    strip -o "$root/bin/qemu-system-x86_64" "$QEMU_BIN"
    local lib f fw
    for lib in $(ldd "$QEMU_BIN" "$QTEST_BIN" |
                 awk '/=> \// {print $3} /^\t\/lib64/ {print $1}' | sort -u); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    fw=$(dirname "$(find "$QBUILD/qemu-bundle" -name bios-256k.bin | head -1)")
    for f in bios-256k.bin pvh.bin linuxboot_dma.bin kvmvapic.bin; do
        cp -L "$fw/$f" "$root/fw/"
    done
    cp "$guest" "$root/svm-conformance"
    # The features of the CPU L1's KVM runs the guest on (opt/svm/host).
    gcc -static -O2 -Wall -I "$SRC/tests/tcg/x86_64/system" \
        -o "$root/bin/svm-host-features" "$here/linux/svm-host-features.c" || {
        echo "kvm-$col: cannot build mk/linux/svm-host-features.c (gcc, libc6-dev)" >&2
        return 1
    }
    # ... and the qtest, which finds the firmware in <bindir>/../share/qemu.
    strip -o "$root/bin/svm-conformance-test" "$QTEST_BIN"
    mkdir -p "$root/share"
    ln -s /fw "$root/share/qemu"
    sed "s/@COLUMN@/kvm-$col/" "$here/linux/l1-init.sh" > "$root/init"
    echo "$phases" > "$root/phases"
    [ "${KVM_SELFTESTS_SLOW:-0}" = 1 ] && touch "$root/selftests-slow"
    # KVM_SELFTESTS_ONLY="name ...": run just these (triage)
    [ -n "${KVM_SELFTESTS_ONLY:-}" ] && echo " $KVM_SELFTESTS_ONLY " > "$root/selftests-only"
    chmod +x "$root/init"
    echo "$kernel"
}

# judge COL RESULTS: a verdict line per scenario and the column's summary.
judge() {
    local col=$1 res=$2 v=$2.verdicts
    /usr/bin/python3 - "$res" "$col" "$SRC/tests/tcg/x86_64/system/svm-conformance.h" \
        > "$v" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
col = "kvm-" + sys.argv[2]
ver = int(sys.argv[2].split(".")[0]) * 100 + int(sys.argv[2].split(".")[1])
# Known kvm failures for this kernel: a row that hangs is XFAIL only there.
hdr = open(sys.argv[3]).read()
hdr = hdr[hdr.index("svm_kvm_known_failures[] = {"):]
known = set()
for m in re.finditer(r'\{ "([^"]+)",([^}]*)\}', hdr[:hdr.index("};")]):
    lo = re.search(r"\.kvm_from = (\d+)", m.group(2))
    hi = re.search(r"\.kvm_before = (\d+)", m.group(2))
    if (not lo or ver >= int(lo.group(1))) and (not hi or ver < int(hi.group(1))):
        known.add(m.group(1))
ids, verdict, order = {}, {}, []
rank = {"FAIL": 3, "XPASS": 3, "XFAIL": 2, "PASS": 1, "SKIP": 0}
def put(i, v):
    if i not in verdict:
        order.append(i)
    if rank[v] >= rank.get(verdict.get(i, "SKIP"), 0):
        verdict[i] = v
for l in lines:
    f = l.split()
    if len(f) >= 4 and f[1] == "B":
        ids[f[2]] = f[3]
    elif len(f) >= 4 and f[1] == "R":
        put(f[3], f[-1])
    elif len(f) >= 3 and f[1] == "HANG":
        i = ids.get(f[2], "#" + f[2])
        put(i, "XFAIL" if i in known else "FAIL")
    elif len(f) >= 2 and f[1] == "NOSTART":
        put("inner-qemu-start", "FAIL")
    elif f and f[0] == "qtest" and re.match(r"qtest (not )?ok \d+ /", l):
        m = re.match(r"qtest (not )?ok \d+ \S+/kvm/(\S+)(.*)", l)
        v = "FAIL" if m.group(1) else "SKIP" if "# SKIP" in m.group(3) else "PASS"
        put(m.group(2), v)
if not order:
    put("l1-boot", "FAIL")
for i in order:
    print("%s: %-5s %s" % (col, verdict[i], i))
PY
    cat "$v"
    n() { grep -c "^kvm-$col: $1 " "$v"; }
    local total
    total=$(grep -vc " SKIP " "$v")
    echo "kvm-$col: $total scenarios, $(n PASS) passed, $(( $(n FAIL) + $(n XPASS) )) failed, $(n XFAIL) known-failures"
    [ "$(n FAIL)" = 0 ] && [ "$(n XPASS)" = 0 ]
}

for col in $KVM_COLUMNS; do
    work=${KVM_NESTED_WORK:-$BUILD/kvm-nested}/$col
    mkdir -p "$work"
    t0=$(date +%s)
    if ! kernel=$(column_root "$col" "$work/root" 2> "$work/prepare.err"); then
        cat "$work/prepare.err" >&2
        echo "kvm-$col: FAIL l1-prepare"
        echo "kvm-$col: 0 scenarios, 0 passed, 1 failed, 0 known-failures"
        status=1
        continue
    fi
    grep "^kernel:" "$work/prepare.err" >&2
    (cd "$work/root" && find . | "$work/root/bin/busybox" cpio -o -H newc 2>/dev/null |
        gzip -1) > "$work/initrd.gz"
    t1=$(date +%s)
    echo "kvm-$col: initramfs $(du -h "$work/initrd.gz" | cut -f1) ($((t1 - t0)) s)"
    # KVM_PREPARE_ONLY=1: L1's kernel and initramfs for another driver
    # (mk/l2-migrate.sh runs L0 itself).
    if [ "${KVM_PREPARE_ONLY:-0}" = 1 ]; then
        echo "kvm-$col: prepared $kernel $work/initrd.gz"
        echo "kvm-$col: l0-cpu $KVM_L0_CPU"
        echo "kvm-$col: l1-cmdline $KVM_L1_CMDLINE"
        continue
    fi
    # Boot it under TCG; a hung L1 ends with the L0 time limit.
    timeout "${KVM_L0_TIMEOUT:-1500}" "$L0_QEMU" -M pc -accel tcg \
        -cpu "$KVM_L0_CPU" -m 4096 -smp 2 \
        -nodefaults -display none -no-reboot -serial file:"$work/console.log" \
        -kernel "$kernel" -initrd "$work/initrd.gz" \
        -append "$KVM_L1_CMDLINE" \
        > "$work/l0.log" 2>&1
    rc=$?
    t2=$(date +%s)
    tr -d '\r' < "$work/console.log" > "$work/console.txt"
    echo "kvm-$col: boot and run under TCG: exit $rc ($((t2 - t1)) s)"
    grep "^kvm-nested: " "$work/console.txt" | sed "s/^kvm-nested:/kvm-$col:/"
    if [ $rc = 124 ]; then
        echo "kvm-$col: L1 timed out after ${KVM_L0_TIMEOUT:-1500} s; last lines:" \
             "$(tail -2 "$work/console.txt" | tr '\n' ' ')"
    fi
    grep -E "^(l2|l2linux|l2-uptime): " "$work/console.txt"
    if has_phase l2linux && ! grep -q "^l2: end" "$work/console.txt"; then
        echo "kvm-$col: l2linux: FAIL (no end marker from L2; see $work/console.txt)"
        status=1
    fi
    if has_phase conformance; then
        grep -E "^(svm|nosvm|max|epyc|max-npt|intel|qtest) " "$work/console.txt" \
            > "$work/results.txt"
        judge "$col" "$work/results.txt" || status=1
    fi
    if ! has_phase selftests; then
        :
    elif grep -q "^selftest" "$work/console.txt"; then
        grep "^selftest: " "$work/console.txt"
        grep "^selftest-why: " "$work/console.txt"
        grep "^selftest-log: " "$work/console.txt"
        grep "^selftest-env: " "$work/console.txt"
        s() { grep -c "^selftest: $1 " "$work/console.txt"; }
        nt=$(grep -c "^selftest: " "$work/console.txt")
        echo "selftests: $nt tests, $(s PASS) passed, $(( $(s FAIL) + $(s TIMEOUT) )) failed, $(s SKIP) skipped"
        [ "$(s FAIL)" = 0 ] && [ "$(s TIMEOUT)" = 0 ] || status=1
    elif [ "$col" = 7.2 ]; then
        echo "selftests: 0 tests, 0 passed, 1 failed, 0 skipped (did not run; see $work/console.txt)"
        status=1
    fi
done
exit $status
