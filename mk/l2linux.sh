#!/bin/bash
# The L2 Linux: the Linux 7.2 kernel of mk/kernel.sh with a busybox
# initramfs whose /init (mk/linux/l2-init.sh) does real work and powers off.
#
#   mk/l2linux.sh     prints two lines: the kernel image, the initramfs
#
# Used by mk/kvm-nested.sh (phase l2linux: L2 under L1's KVM), mk/bench.sh
# (row l2-linux) and mk/l2-migrate.sh.  Diagnostics go to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(dirname "$here")/build}
cache=${SVM_APM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svm-apm}/kvm
work=$BUILD/l2linux
mkdir -p "$cache" "$work"
if ! ls "$cache"/busybox-static_*.deb > /dev/null 2>&1 &&
   ! (cd "$cache" && apt-get download -q busybox-static > /dev/null 2>&1); then
    echo "l2linux: cannot download busybox-static from the Debian mirror; run" \
         "'apt-get download busybox-static' in $cache" >&2
    exit 1
fi
built=$(bash "$here/kernel.sh")
root=$work/root
rm -rf "$root" "$work/pkg"
mkdir -p "$root"/{bin,proc,dev,tmp} "$work/pkg"
dpkg-deb -x "$(ls "$cache"/busybox-static_*.deb | tail -1)" "$work/pkg"
cp "$work/pkg/bin/busybox" "$root/bin/"
cp "$here/linux/l2-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | "$root/bin/busybox" cpio -o -H newc 2> /dev/null | gzip -9) \
    > "$work/initrd.gz"
sed -n 1p <<< "$built"
echo "$work/initrd.gz"
