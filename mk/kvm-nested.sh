#!/bin/bash
# make check-kvm-nested: run the SVM conformance guest under -accel kvm,
# with Linux's KVM running inside the patched TCG QEMU:
#   L0 = patched QEMU, TCG, -cpu EPYC,+svm,+npt
#   L1 = Debian's Linux kernel + kvm-amd nested=1 + the patched QEMU
#   L2 = the conformance guest under -accel kvm (its own L2s are L3)
# Prints one line per scenario ("kvm: <verdict> <id>") and the summary.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KVM_DEFAULT_PKG=linux-image-6.12.95+deb12-amd64
KVM_KERNEL_PKG=${KVM_KERNEL_PKG:-$KVM_DEFAULT_PKG}
# The table's kvm-nested known failures were measured with the default
# kernel; another kernel is judged against the plain kvm column.
column=kvm-nested
if [ "$KVM_KERNEL_PKG" != "$KVM_DEFAULT_PKG" ]; then
    column=kvm
    echo "kvm-nested: $KVM_KERNEL_PKG is not $KVM_DEFAULT_PKG: judging" \
         "against the kvm column without the kvm-nested known failures"
fi
cache=${SVM_APM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svm-apm}/kvm
work=$BUILD/kvm-nested
guest=$QBUILD/tests/tcg/x86_64-softmmu/svm-conformance
QTEST_BIN=$QBUILD/tests/qtest/svm-conformance-test
ninja -C "$QBUILD" tests/qtest/svm-conformance-test > /dev/null || {
    echo "kvm-nested: cannot build tests/qtest/svm-conformance-test" >&2
    exit 1
}
phase_start=$(date +%s)
phase() {
    local now
    now=$(date +%s)
    echo "kvm-nested: $1 ($((now - phase_start)) s)"
    phase_start=$now
}

mkdir -p "$cache" "$work"
# 1. Kernel and busybox, by exact package name, from the Debian mirror.
for p in "$KVM_KERNEL_PKG" busybox-static; do
    if ! ls "$cache/${p}_"*.deb > /dev/null 2>&1; then
        if ! (cd "$cache" && apt-get download -q "$p" > /dev/null 2>&1); then
            echo "kvm-nested: cannot download $p from the Debian mirror;" \
                 "pick another kernel with KVM_KERNEL_PKG=linux-image-<version>-amd64" \
                 "(apt-cache search linux-image-6)" >&2
            exit 1
        fi
    fi
done
phase "packages"

rm -rf "$work/pkg" "$work/root"
mkdir -p "$work/pkg" "$work/root"/{bin,lib/modules,fw,proc,sys,dev,tmp}
for d in "$cache/${KVM_KERNEL_PKG}_"*.deb "$cache"/busybox-static_*.deb; do
    dpkg-deb -x "$d" "$work/pkg"
done
kver=$(ls "$work/pkg/lib/modules")
moddir=$work/pkg/lib/modules/$kver/kernel
for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp \
         arch/x86/kvm/kvm-amd; do
    if [ -f "$moddir/$m.ko.xz" ]; then      # 6.12 compresses, 6.1 does not
        xz -dc "$moddir/$m.ko.xz" > "$work/root/lib/modules/$(basename "$m").ko"
    else
        cp "$moddir/$m.ko" "$work/root/lib/modules/"
    fi
done
cp "$work/pkg/bin/busybox" "$work/root/bin/"
# The inner QEMU is the patched binary, with its libraries and firmware.
strip -o "$work/root/bin/qemu-system-x86_64" "$QEMU_BIN"
for lib in $(ldd "$QEMU_BIN" | awk '/=> \// {print $3} /^\t\/lib64/ {print $1}'); do
    mkdir -p "$work/root$(dirname "$lib")"
    cp -L "$lib" "$work/root$lib"
done
fw=$(dirname "$(find "$QBUILD/qemu-bundle" -name bios-256k.bin | head -1)")
for f in bios-256k.bin pvh.bin linuxboot_dma.bin kvmvapic.bin; do
    cp -L "$fw/$f" "$work/root/fw/"
done
cp "$guest" "$work/root/svm-conformance"
# ... and the qtest, which finds the firmware in <bindir>/../share/qemu.
strip -o "$work/root/bin/svm-conformance-test" "$QTEST_BIN"
for lib in $(ldd "$QTEST_BIN" | awk '/=> \// {print $3}'); do
    [ -e "$work/root$lib" ] && continue
    mkdir -p "$work/root$(dirname "$lib")"
    cp -L "$lib" "$work/root$lib"
done
mkdir -p "$work/root/share"
ln -s /fw "$work/root/share/qemu"
cat > "$work/root/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in irqbypass kvm ccp; do insmod /lib/modules/$m.ko; done
insmod /lib/modules/kvm-amd.ko nested=1
echo "kvm-nested: L1 $(uname -r), kvm_amd nested=$(cat /sys/module/kvm_amd/parameters/nested)"
run() {     # run VARIANT CPU
    start=0
    while :; do
        rm -f /out.txt
        timeout 60 /bin/qemu-system-x86_64 -L /fw -M pc -accel kvm \
            -cpu "$2" -m 256 -nodefaults -display none -no-reboot \
            -chardev file,path=/out.txt,id=out \
            -device isa-debugcon,chardev=out \
            -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
            -fw_cfg name=opt/svm/start,string=$start \
            -fw_cfg name=opt/svm/accel,string=@COLUMN@ \
            -fw_cfg name=opt/svm/all,string=1 \
            -kernel /svm-conformance > /qemu.log 2>&1
        sed -n "s/^/$1 /p" /out.txt
        grep -q '^END' /out.txt && break
        last=$(sed -n 's/^B \([0-9]*\) .*/\1/p' /out.txt | tail -1)
        if [ -z "$last" ]; then
            echo "$1 NOSTART $(head -3 /qemu.log | tr '\n' ' ')"
            break
        fi
        grep -q "^R $last " /out.txt || echo "$1 HANG $last"
        start=$((last + 1))
    done
}
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
echo "kvm-nested: done"
poweroff -f
EOI
sed -i "s/@COLUMN@/$column/" "$work/root/init"
chmod +x "$work/root/init"
(cd "$work/root" && find . | "$work/pkg/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) > "$work/initrd.gz"
phase "initramfs ($(du -h "$work/initrd.gz" | cut -f1))"

# 2. Boot it under the patched TCG.
timeout 900 "$QEMU_BIN" -M pc -accel tcg \
    -cpu EPYC,+svm,+npt,+vgif,+svme-addr-chk -m 2048 \
    -nodefaults -display none -no-reboot -serial file:"$work/console.log" \
    -kernel "$work/pkg/boot/vmlinuz-$kver" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1 rdinit=/init" > "$work/l0.log" 2>&1
rc=$?
phase "boot and run under TCG (exit $rc)"
grep "^kvm-nested:" "$work/console.log"
tr -d '\r' < "$work/console.log" |
    grep -E "^(svm|nosvm|max|epyc|max-npt|intel|qtest) " > "$work/results.txt" || true

# 3. Verdicts: the guest judged each row against the kvm-nested column; a
#    row that hung is a failure unless it is a known kvm-nested failure.
/usr/bin/python3 - "$work/results.txt" "$SRC/tests/tcg/x86_64/system/svm-conformance.h" \
    "$column" > "$work/verdicts.txt" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
hdr = open(sys.argv[2]).read()
known = hdr[hdr.index("svm_kvm_nested_known_failures[] = {"):]
known = set(re.findall(r'\{ "([^"]+)",', known[:known.index("};")]))
if sys.argv[3] != "kvm-nested":
    known = set()
ids, verdict = {}, {}
order = []
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
    elif len(f) == 3 and f[1] == "HANG":
        i = ids.get(f[2], "#" + f[2])
        put(i, "XFAIL" if i in known else "FAIL")
    elif len(f) >= 2 and f[1] == "NOSTART":
        put("inner-qemu-start", "FAIL")
    elif f and f[0] == "qtest" and re.match(r"qtest (not )?ok \d+ /", l):
        m = re.match(r"qtest (not )?ok \d+ \S+/kvm/(\S+)(.*)", l)
        v = "FAIL" if m.group(1) else "SKIP" if "# SKIP" in m.group(3) else "PASS"
        put(m.group(2), v)
for i in order:
    print("kvm-nested: %-5s %s" % (verdict[i], i))
PY
cat "$work/verdicts.txt"
n() { grep -c " $1 " "$work/verdicts.txt"; }
total=$(grep -vc " SKIP " "$work/verdicts.txt")
echo "kvm: $total scenarios, $(n PASS) passed, $(( $(n FAIL) + $(n XPASS) )) failed, $(n XFAIL) known-failures"
[ "$total" -gt 0 ] && [ "$(n FAIL)" = 0 ] && [ "$(n XPASS)" = 0 ]
