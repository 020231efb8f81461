#!/bin/bash
# Configure (once) and build SRC into BUILD, then make the firmware the
# x86 machines need findable from the build tree without -L.
set -euo pipefail
src=$1; build=$2; shift 2
here=$(dirname "$0")
# Let ccache hit across clones at other paths (CI builds a fresh clone).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$(realpath "$src")")}
export CCACHE_NOHASHDIR=1

if [ ! -f "$build/build.ninja" ]; then
    bash "$here/configure.sh" "$src" "$build" "$@"
fi
cd "$build"
echo "mk/build.sh: building $(basename "$build") (ninja; a cold build takes 8-11 min on 2 cores)"
start=$(date +%s)
# ninja prints one status line per step; keep the log, show progress every
# 10 % of a long build.
ninja qemu-system-x86_64 > ninja.log 2>&1 &
npid=$!
shown=0
while kill -0 $npid 2> /dev/null; do
    sleep 5
    st=$(tail -c 2000 ninja.log | grep -oE '^\[[0-9]+/[0-9]+\]' | tail -1 | tr -d '[]' || true)
    [ -n "$st" ] && [ "${st#*/}" -ge 100 ] || continue
    pct=$(( ${st%/*} * 10 / ${st#*/} * 10 ))
    if [ $pct -gt $shown ]; then
        shown=$pct
        echo "mk/build.sh: [$st] $pct % ($(( $(date +%s) - start )) s)"
    fi
done
if ! wait $npid; then
    grep -B2 -A20 "FAILED\|error:" ninja.log | head -60 >&2
    echo "mk/build.sh: build failed; full log: $build/ninja.log" >&2
    exit 1
fi
# x86 option ROMs (pvh.bin for -kernel PVH boot, linuxboot_dma.bin, ...)
make -s pc-bios/optionrom/all > optionrom.log 2>&1 || {
    cat optionrom.log >&2
    echo "mk/build.sh: option ROM build failed (needs lib32gcc-12-dev)" >&2
    exit 1
}
# The binary searches <build>/qemu-bundle/<datadir> first; link the
# firmware there: Debian's SeaBIOS and iPXE, and the option ROMs built above.
prefix=$(sed -n "s/^#define CONFIG_PREFIX \"\(.*\)\"/\1/p" config-host.h)
datadir=$(sed -n "s/^#define CONFIG_QEMU_DATADIR \"\(.*\)\"/\1/p" config-host.h)
fw=$build/qemu-bundle$datadir
mkdir -p "$fw"
for f in /usr/share/seabios/*.bin; do
    ln -sf "$f" "$fw/$(basename "$f")"
done
for f in /usr/lib/ipxe/qemu/*.rom; do       # NIC ROMs (Debian's ipxe-qemu)
    ln -sf "$f" "$fw/$(basename "$f")"
done
for f in pc-bios/optionrom/*.bin; do
    ln -sf "$build/$f" "$fw/$(basename "$f")"
done
[ -e "$fw/bios-256k.bin" ] || {
    echo "mk/build.sh: no bios-256k.bin; run: apt-get install seabios" >&2
    exit 1
}
echo "mk/build.sh: $build/qemu-system-x86_64 ready ($(( $(date +%s) - start )) s)"
