#!/bin/bash
# The Linux 7.2 L1 kernel and KVM's x86 selftests, built from Debian's
# linux-source-7.2 package (the 2026 KVM SVM series is in 7.2).
#
#   mk/kernel.sh          prints two lines: the bzImage, the selftests dir
#
# The .deb is fetched by exact version with apt-get download (mk/deps.sh
# adds a sid entry whose binaries are pinned away) and checked against its
# sha256.  The result is cached in ~/.cache/svm-apm/linux by (version,
# config fragment, RECIPE below), so an unchanged config costs nothing;
# ccache is used when it exists.  Diagnostics go to stderr, one line each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LINUX_PKG=linux-source-7.2
LINUX_PKG_VERSION=${LINUX_PKG_VERSION:-7.2.13-1}
LINUX_PKG_SHA256=${LINUX_PKG_SHA256:-30a8c5fc63f9028a62e6d7b3f7f43bee67425dbce2a05fceba83f9b87c92083d}
fragment=$here/linux/l1.config
cache=${SVM_APM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svm-apm}/linux
BUILD=${BUILD:-$(dirname "$here")/build}
work=$BUILD/linux
deb=$cache/${LINUX_PKG}_${LINUX_PKG_VERSION}_all.deb

say() { echo "kernel: $*" >&2; }

# Bump RECIPE when the way the kernel or the selftests are built changes.
RECIPE=1
key=$( (echo "recipe $RECIPE"; cat "$fragment") | sha256sum | cut -c1-12)
out=$cache/out-$LINUX_PKG_VERSION-$key
if [ -f "$out/bzImage" ] && [ -f "$out/selftests/.complete" ]; then
    echo "$out/bzImage"
    echo "$out/selftests"
    exit 0
fi

# 1. The source package, by exact version, checked.
mkdir -p "$cache" "$work"
if [ ! -f "$deb" ]; then
    say "downloading $LINUX_PKG=$LINUX_PKG_VERSION (164 MB)"
    if ! (cd "$cache" && apt-get download -q "$LINUX_PKG=$LINUX_PKG_VERSION" \
            > "$work/download.log" 2>&1); then
        say "cannot download $LINUX_PKG=$LINUX_PKG_VERSION; run 'bash mk/deps.sh --force'" \
            "(adds the pinned sid entry), then 'apt-get download $LINUX_PKG=$LINUX_PKG_VERSION'" \
            "($(tail -1 "$work/download.log"))"
        exit 1
    fi
fi
if ! echo "$LINUX_PKG_SHA256  $deb" | sha256sum -c --status; then
    say "sha256 mismatch for $(basename "$deb"): expected $LINUX_PKG_SHA256; remove it and retry"
    exit 1
fi

# 2. Extract (once per version).
src=$work/linux-$LINUX_PKG_VERSION
if [ ! -f "$src/.extracted" ]; then
    say "extracting $(basename "$deb")"
    rm -rf "$src" "$src.new"
    mkdir -p "$src.new"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/$LINUX_PKG.tar.xz |
        tar -xJ -C "$src.new" --strip-components=1
    touch "$src.new/.extracted"
    mv "$src.new" "$src"
fi

# 3. Configure: tinyconfig plus the fragment; every option of the fragment
#    must survive olddefconfig, or the fragment is wrong.
cc=gcc
command -v ccache > /dev/null && cc="ccache gcc"
export KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=svm-apm \
       KBUILD_BUILD_HOST=svm-apm
# make as if run from a shell: under "make check" MAKELEVEL is not 0, and
# the selftests' lib.mk then leaves OUTPUT empty and writes to /.
kmake() { env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make "$@"; }
mk() { kmake -C "$src" -j"$(nproc)" CC="$cc" HOSTCC="$cc" "$@"; }
log=$work/build.log
: > "$log"
mk tinyconfig >> "$log" 2>&1
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$fragment" >> "$log" 2>&1
mk olddefconfig >> "$log" 2>&1
bad=0
while IFS= read -r opt; do
    name=${opt%%=*}
    val=${opt#*=}
    if [ "$val" = n ]; then
        grep -q "^$name=" "$src/.config" && { say "config: $name is set, fragment says n"; bad=1; }
    else
        grep -qx "$opt" "$src/.config" || { say "config: $opt did not stick ($(grep "$name[= ]" "$src/.config" || echo unset))"; bad=1; }
    fi
done < <(grep -E '^CONFIG_' "$fragment")
[ $bad = 0 ] || { say "fix $fragment (log: $log)"; exit 1; }

# 4. Build, with a progress line a minute (a cold build takes ~15 min).
failed() {  # failed WHAT LOG
    say "$1 failed; log: $2; first error:"
    grep -m1 -E "error:|Error [0-9]|undefined reference" "$2" >&2 || tail -3 "$2" >&2
    exit 1
}
start=$(date +%s)
mk bzImage >> "$log" 2>&1 &
pid=$!
while kill -0 $pid 2> /dev/null; do
    for _ in $(seq 60); do kill -0 $pid 2> /dev/null && sleep 1; done
    kill -0 $pid 2> /dev/null &&
        say "building bzImage: $(find "$src" -name '*.o' -newer "$src/.config" | wc -l) objects ($(( $(date +%s) - start )) s)"
done
wait $pid || failed "bzImage build" "$log"
say "bzImage built ($(( $(date +%s) - start )) s)"

# 5. KVM's selftests, statically linked so the initramfs needs no libraries.
slog=$work/selftests.log
start=$(date +%s)
{ mk headers && kmake -C "$src/tools/testing/selftests/kvm" -j"$(nproc)" \
    CC="$cc" ARCH=x86 LDFLAGS="-pthread -no-pie -static" EXTRA_CFLAGS="-no-pie"; } \
    > "$slog" 2>&1 || failed "selftests build" "$slog"
rm -rf "$out.new"
mkdir -p "$out.new/selftests"
cp "$src/arch/x86/boot/bzImage" "$out.new/"
cp "$src/.config" "$out.new/config"
# The x86 test list, as the selftests Makefile defines it.
tests=$(kmake -s -C "$src/tools/testing/selftests/kvm" ARCH=x86 \
        --eval 'print-tests: ; @echo $(TEST_GEN_PROGS)' print-tests 2>/dev/null)
n=0
for t in $tests; do
    b=$src/tools/testing/selftests/kvm/${t#$src/tools/testing/selftests/kvm/}
    [ -x "$b" ] || { say "selftest $t was not built; log: $slog"; exit 1; }
    mkdir -p "$out.new/selftests/$(dirname "${t#$src/tools/testing/selftests/kvm/}")"
    strip -o "$out.new/selftests/${t#$src/tools/testing/selftests/kvm/}" "$b"
    n=$((n + 1))
done
touch "$out.new/selftests/.complete"
rm -rf "$out"
mv "$out.new" "$out"
say "selftests built: $n tests ($(( $(date +%s) - start )) s)"
echo "$out/bzImage"
echo "$out/selftests"
