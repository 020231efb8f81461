#!/bin/bash
# Fetch the pinned QEMU orig tarball through apt, verify its sha256 and keep
# it in a cache outside the work tree.  Prints the tarball's path.
set -euo pipefail

QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.2.2+ds-1}
QEMU_TARBALL=${QEMU_TARBALL:-qemu_10.2.2+ds.orig.tar.xz}
QEMU_SHA256=${QEMU_SHA256:-be05230fe47a6937cd29f28f562932c8125f9c93c2a82c625198f7a4aa601dfb}
CACHE=${SVM_APM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svm-apm}

mkdir -p "$CACHE"
out=$CACHE/$QEMU_TARBALL

check() {
    echo "$QEMU_SHA256  $1" | sha256sum -c --status
}

if [ -f "$out" ] && check "$out"; then
    echo "$out"
    exit 0
fi

uri=$(apt-get source --print-uris "qemu=$QEMU_DEB_VERSION" 2>/dev/null |
      awk -v t="$QEMU_TARBALL" '$2 == t {gsub("\047", "", $1); print $1}')
if [ -z "$uri" ]; then
    echo "mk/fetch.sh: apt knows no source qemu=$QEMU_DEB_VERSION with $QEMU_TARBALL;" >&2
    echo "  run 'bash mk/deps.sh' (adds the deb-src entry) and 'apt-get update'" >&2
    exit 1
fi
echo "mk/fetch.sh: downloading $QEMU_TARBALL" >&2
tmp=$out.part
# apt's own transport: only the configured Debian mirror is contacted.
if command -v curl >/dev/null; then
    curl -fL --progress-bar -o "$tmp" "$uri" >&2
else
    wget -q --show-progress -O "$tmp" "$uri" >&2
fi
if ! check "$tmp"; then
    echo "mk/fetch.sh: sha256 mismatch for $QEMU_TARBALL (expected $QEMU_SHA256); not using it" >&2
    rm -f "$tmp"
    exit 1
fi
mv "$tmp" "$out"
echo "$out"
