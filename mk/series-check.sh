#!/bin/bash
# Build every commit of the series in order and run check-tcg on it, so
# that each patch builds and keeps the conformance table consistent
# (a fix must drop its known failures in the same patch).
# Prints "ok N <subject>" per commit; exits non-zero at the first failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
b=$BUILD/bisect
mkdir -p "$b"
bash "$here/worktree.sh" "$b/src"
n=0
for c in $(git -C "$SRC" rev-list --reverse upstream..master); do
    n=$((n + 1))
    subject=$(git -C "$SRC" log -1 --format=%s "$c")
    git -C "$b/src" checkout -q -f --detach "$c"
    if ! bash "$here/build.sh" "$b/src" "$b/qemu" > "$b/build-$n.log" 2>&1; then
        tail -30 "$b/build-$n.log"
        echo "FAILED $n $subject: does not build (see $b/build-$n.log)"
        exit 1
    fi
    if ! make -C "$b/qemu" -j"$(nproc)" check-tcg > "$b/check-tcg-$n.log" 2>&1; then
        grep -h -B1 -A1 "FAIL\|XPASS\|Error" "$b/check-tcg-$n.log" \
            "$b"/qemu/tests/tcg/x86_64-softmmu/*.out 2>/dev/null | head -20
        echo "FAILED $n $subject: check-tcg (see $b/check-tcg-$n.log)"
        exit 1
    fi
    echo "ok $n $subject"
done
