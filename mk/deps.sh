#!/bin/bash
# Install the Debian packages this project needs to build and test QEMU.
# Adds a deb-src entry (for the pinned QEMU source) and bookworm-backports
# (meson >= 1.5, python3-pycotap), both derived from the machine's own
# Debian entry, so no mirror host name is written into the repository.
set -euo pipefail

PKGS_MAIN="ninja-build pkgconf libglib2.0-dev device-tree-compiler
 lib32gcc-12-dev seabios ipxe-qemu git curl xz-utils bzip2 gcc make perl python3 flex bison
 libfdt-dev zlib1g-dev dpkg-dev valgrind bc libelf-dev cpio"
PKGS_BPO="meson python3-pycotap"
PKGS_OPTIONAL="ccache"

need() {
    echo "mk/deps.sh: missing build dependencies; as root run:" >&2
    echo "  $*" >&2
    exit 1
}

have_all() {
    for p in $PKGS_MAIN $PKGS_BPO; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || return 1
    done
    # meson must be >= 1.5
    local v
    v=$(dpkg-query -W -f='${Version}' meson 2>/dev/null || echo 0)
    dpkg --compare-versions "$v" ge 1.5 || return 1
    return 0
}

sources_ok() {
    grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ &&
    grep -rqsE "^(Types:.*deb-src|deb-src )" /etc/apt/sources.list /etc/apt/sources.list.d/ &&
    grep -qs "^Types: deb deb-src" /etc/apt/sources.list.d/svm-apm.sources
}

if have_all && sources_ok && [ "${1:-}" != "--force" ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    need "sudo bash $0"
fi

# Derive URI and key from the existing Debian entry.
src=""
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    if grep -qE '^URIs:.*/debian/?$' "$f"; then src=$f; break; fi
done
uri=""; key=""
if [ -n "$src" ]; then
    uri=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' "$src")
    key=$(awk -v u="$uri" '/^URIs:/ {m = ($2 == u)} m && /^Signed-By:/ {print $2; exit}' "$src")
elif [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
    echo "mk/deps.sh: cannot find a Debian entry in /etc/apt to derive deb-src/backports from" >&2
    exit 1
fi
[ -n "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg

cat > /etc/apt/sources.list.d/svm-apm.sources <<EOS
# Added by svm-apm mk/deps.sh: pinned QEMU source and linux-source-7.2
# (sid; its binaries are pinned away below) and meson >= 1.5
Types: deb deb-src
URIs: $uri
Suites: sid
Components: main
Signed-By: $key

Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $key
EOS
# Never let sid binaries in: only its sources, and the arch-all
# linux-source-7.2 package fetched by exact version with apt-get download.
cat > /etc/apt/preferences.d/svm-apm <<EOS
Package: *
Pin: release n=sid
Pin-Priority: -1
EOS

echo "mk/deps.sh: apt-get update"
apt-get update -q >/dev/null
export DEBIAN_FRONTEND=noninteractive
echo "mk/deps.sh: installing $(echo $PKGS_MAIN)"
apt-get install -y -q --no-install-recommends $PKGS_MAIN >/dev/null
echo "mk/deps.sh: installing from bookworm-backports: $PKGS_BPO"
apt-get install -y -q --no-install-recommends -t bookworm-backports $PKGS_BPO >/dev/null
for p in $PKGS_OPTIONAL; do
    apt-get install -y -q --no-install-recommends "$p" >/dev/null 2>&1 ||
        echo "mk/deps.sh: optional package $p not available; continuing without it"
done
echo "mk/deps.sh: dependencies installed"
