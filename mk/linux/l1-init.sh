#!/bin/busybox sh
# /init of the L1 initramfs (mk/kvm-nested.sh): the conformance guest as
# L2 under this kernel's KVM on six CPU variants, the qtest's kvm cases,
# and, where the initramfs has them, KVM's own selftests.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/shm /dev/hugepages
mount -t tmpfs shm /dev/shm
mount -t hugetlbfs hugetlbfs /dev/hugepages 2> /dev/null
mount -t debugfs debugfs /sys/kernel/debug 2> /dev/null
for m in irqbypass kvm ccp; do
    [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
[ -f /lib/modules/kvm-amd.ko ] && insmod /lib/modules/kvm-amd.ko nested=1
echo "kvm-nested: L1 $(uname -r), kvm_amd nested=$(cat /sys/module/kvm_amd/parameters/nested)"
# inner QEMU ARGS...: the conformance guest under KVM.  A row that hangs
# (no new output for 15 s) or a KVM internal error (KVM stops the vCPU,
# QEMU pauses the VM) ends the run; run() then restarts after that row.
inner() {
    /bin/qemu-system-x86_64 "$@" > /qemu.log 2>&1 &
    pid=$!
    quiet=0 size=-1
    while kill -0 $pid 2> /dev/null; do
        sleep 1
        now=$(stat -c %s /out.txt 2> /dev/null || echo 0)
        if [ "$now" = "$size" ]; then quiet=$((quiet + 1)); else quiet=0; fi
        size=$now
        if [ $quiet -ge 15 ] || grep -q "internal error" /qemu.log; then
            kill -9 $pid 2> /dev/null
            break
        fi
    done
    wait $pid 2> /dev/null
}
# The rows whose check KVM leaves to the CPU are judged by this CPU's
# CPUID (SvmScenario.host_decides): the CPU KVM runs the guest on.
host=$(/bin/svm-host-features)
echo "kvm-nested: host features $host"
run() {     # run VARIANT CPU
    start=0
    while :; do
        rm -f /out.txt
        inner -L /fw -M pc -accel kvm \
            -cpu "$2" -m 256 -nodefaults -display none -no-reboot \
            -chardev file,path=/out.txt,id=out \
            -device isa-debugcon,chardev=out \
            -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
            -fw_cfg name=opt/svm/start,string=$start \
            -fw_cfg name=opt/svm/accel,string=@COLUMN@ \
            -fw_cfg name=opt/svm/all,string=1 \
            -fw_cfg name=opt/svm/host,string=$host \
            -kernel /svm-conformance
        sed -n "s/^/$1 /p" /out.txt
        grep -q '^END' /out.txt && break
        last=$(sed -n 's/^B \([0-9]*\) .*/\1/p' /out.txt | tail -1)
        if [ -z "$last" ]; then
            echo "$1 NOSTART $(head -3 /qemu.log | tr '\n' ' ')"
            break
        fi
        grep -q "^R $last " /out.txt || echo "$1 HANG $last $(grep -m1 'internal error' /qemu.log)"
        start=$((last + 1))
    done
}
phases=$(cat /phases)
case " $phases " in *" conformance "*)
t0=$(cut -d. -f1 /proc/uptime)
run svm qemu64,+svm,+npt,+vgif,+svme-addr-chk
run nosvm qemu64,-svm
run max max
run epyc EPYC,+svm,+npt
run max-npt max,-npt
run intel qemu64,vendor=GenuineIntel,+svm,+npt,+vgif,+svme-addr-chk
# The qtest's kvm cases: every CPU model of svm_models[], and a
# migration while L2 runs (KVM's SVM nested state).
echo "kvm-nested: qtest"
SVM_CONFORMANCE_GUEST=/svm-conformance \
SVM_CONFORMANCE_KVM_COLUMN=@COLUMN@ \
QTEST_QEMU_BINARY=/bin/qemu-system-x86_64 \
    timeout 600 /bin/svm-conformance-test --tap \
    -p /x86_64/svm-conformance/kvm/model \
    -p /x86_64/svm-conformance/kvm/savevm-while-l2-runs > /qtest.tap 2>&1
grep -E "^(not )?ok |^# " /qtest.tap |
    grep -vE "^# (Start|End|random|starting)" | sed "s/^/qtest /"
echo "kvm-nested: conformance and qtest took $(( $(cut -d. -f1 /proc/uptime) - t0 )) s"
;; esac
# A real Linux as L2 (mk/l2linux.sh), "runs rounds" from /l2/runs: its
# "L2: " lines become "l2: ", and each run's wall time (L1's clock, which
# under TCG follows the host's) is "l2linux: run K wall S s".
case " $phases " in *" l2linux "*)
read -r runs rounds < /l2/runs
k=1
while [ $k -le $runs ]; do
    echo "kvm-nested: l2linux run $k"
    t0=$(cut -d' ' -f1 /proc/uptime)
    /bin/qemu-system-x86_64 -L /fw -M pc -accel kvm -cpu host -m 256 \
        -nodefaults -display none -no-reboot -serial stdio \
        -kernel /l2/bzImage -initrd /l2/initrd.gz \
        -append "console=ttyS0 quiet panic=-1 rdinit=/init l2rounds=$rounds" \
        < /dev/null 2> /qemu-l2.log | tr -d '\r' | tee /l2-console.txt |
        sed -n 's/^L2: /l2: /p; s/^L2-uptime: /l2-uptime: /p'
    t1=$(cut -d' ' -f1 /proc/uptime)
    echo "l2linux: run $k wall $(awk "BEGIN { print $t1 - $t0 }") s"
    [ -s /qemu-l2.log ] && sed 's/^/l2linux: qemu: /' /qemu-l2.log | head -3
    # no end marker: L2's own last words (a panic, say)
    grep -q "^L2: end" /l2-console.txt ||
        tail -5 /l2-console.txt | sed 's/^/l2linux: L2 console: /'
    k=$((k + 1))
done
;; esac
# KVM's selftests: every x86 test, exit 0 PASS, 4 (KSFT_SKIP) SKIP, else
# FAIL; a test over its limit (selftests.conf) is TIMEOUT.
if [ -d /selftests ] && case " $phases " in *" selftests "*) true;; *) false;; esac; then
    t0=$(cut -d. -f1 /proc/uptime)
    echo "kvm-nested: selftests"
    # triage runs (KVM_SELFTESTS_ONLY) also show L1's clock
    [ -f /selftests-only ] && {
        echo "selftest-env: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
        dmesg | grep -i -E "tsc|clocksource" | head -8 | sed 's/^/selftest-env: /'
    }
    # x86 (SVM and nested) tests first, then the generic ones
    for t in $(cd /selftests && { find x86 -type f | sort; find . -maxdepth 1 -type f ! -name .complete | sed 's|^\./||' | sort; }); do
        name=${t#x86/}
        if [ -f /selftests-only ] && ! grep -q " $name " /selftests-only; then
            continue
        fi
        limit=$(sed -n "s/^limit $name //p" /selftests.conf)
        args=$(sed -n "s/^args $name //p" /selftests.conf)
        skip=$(sed -n "s/^skip $name //p" /selftests.conf)
        slow=$(sed -n "s/^slow $name //p" /selftests.conf)
        timing=$(sed -n "s/^timing $name //p" /selftests.conf)
        if [ -n "$timing" ] && [ ! -f /selftests-slow ]; then
            skip="timing under TCG: $timing (KVM_SELFTESTS_SLOW=1 runs it)"
        fi
        if [ -n "$slow" ]; then
            if [ -f /selftests-slow ]; then
                limit=1800
            else
                skip="slow under TCG: $slow (KVM_SELFTESTS_SLOW=1 runs it)"
            fi
        fi
        if [ -n "$skip" ]; then
            echo "selftest: SKIP $name (0 s)"
            echo "selftest-why: $name $skip"
            continue
        fi
        s0=$(cut -d. -f1 /proc/uptime)
        (cd /selftests/$(dirname $t) && timeout ${limit:-60} ./$(basename $t) $args) \
            > /tmp/st.log 2>&1
        rc=$?
        s1=$(cut -d. -f1 /proc/uptime)
        case $rc in
        0) v=PASS;; 4) v=SKIP;; 124|143) v=TIMEOUT;; *) v=FAIL;;
        esac
        echo "selftest: $v $name ($((s1 - s0)) s)"
        [ $v = PASS ] ||
            echo "selftest-why: $name $(grep -v '^ *$' /tmp/st.log | tail -3 | tr '\n' ' ' | cut -c1-300)"
        # a failure's first lines too, for its triage
        [ $v = FAIL ] && grep -v '^ *$' /tmp/st.log | head -8 | cut -c1-200 |
            sed "s/^/selftest-log: $name /"
    done
    [ -f /selftests-only ] &&
        dmesg | grep -i -E "unstable|tsc:|clocksource:.*switch" | tail -6 | sed 's/^/selftest-env: after: /'
    # and a VMCB KVM found invalid (kvm_amd.dump_invalid_vmcb=1)
    [ -f /selftests-only ] &&
        dmesg | sed -n '/VMCB Control Area/,$p' | head -150 | sed 's/^/selftest-env: vmcb: /'
    echo "kvm-nested: selftests took $(( $(cut -d. -f1 /proc/uptime) - t0 )) s"
fi
echo "kvm-nested: done"
poweroff -f
