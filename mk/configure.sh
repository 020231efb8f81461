#!/bin/bash
# Configure a QEMU build directory: SRC BUILD [extra configure args...]
# Only what the project needs: x86_64-softmmu with TCG and KVM, no docs,
# -Werror kept.  ccache is used when installed.  No debug info unless
# QEMU_DEBUG_INFO=1: it makes every compile about 30 % slower and the link
# much slower, and make check builds QEMU four times (patched, ASan,
# 10.2.2, the series' commits); function names stay in the symbol table.
set -euo pipefail
src=$(realpath "$1"); build=$2; shift 2
mkdir -p "$build"
build=$(realpath "$build")
cc=cc
command -v ccache >/dev/null && cc="ccache cc"
debug=--disable-debug-info
[ "${QEMU_DEBUG_INFO:-0}" = 1 ] && debug=--enable-debug-info
cd "$build"
echo "mk/configure.sh: configuring $build ($cc)"
"$src/configure" \
    --target-list=x86_64-softmmu \
    --without-default-features \
    --enable-tcg --enable-kvm \
    --disable-docs --disable-download --enable-werror \
    --disable-tools --disable-guest-agent --disable-install-blobs \
    --python=/usr/bin/python3 \
    "$debug" \
    --cc="$cc" \
    "$@" > configure.log 2>&1 || {
        tail -30 configure.log >&2
        echo "mk/configure.sh: configure failed; full log: $build/configure.log" >&2
        exit 1
    }
