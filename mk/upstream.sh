#!/bin/bash
# Build unpatched QEMU 10.2.2 (the series' base commit, tag "upstream")
# in build/upstream with the same configure flags as the patched tree.
# Used by make bench (the baseline) and make check (the fuzz harness must
# catch the crash the series fixes).  Prints the binary's path.
set -uo pipefail
: "${SRC:?run from make}"
here=$(cd "$(dirname "$0")" && pwd)
up=$BUILD/upstream
mkdir -p "$up"
bash "$here/worktree.sh" "$up/src"
bash "$here/build.sh" "$up/src" "$up/qemu" > "$up/build.log" 2>&1 || {
    tail -20 "$up/build.log" >&2
    echo "mk/upstream.sh: cannot build upstream QEMU (see $up/build.log)" >&2
    exit 1
}
echo "$up/qemu/qemu-system-x86_64"
