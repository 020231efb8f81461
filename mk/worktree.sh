#!/bin/bash
# worktree.sh DIR: a git worktree of the assembled tree ($SRC) at DIR,
# created once and reset to the series' base (tag "upstream"), with the
# build-only edk2 stand-ins the '+ds' tarball lacks.
set -euo pipefail
dir=$1
git -C "$SRC" worktree prune
if [ ! -e "$dir/.git" ]; then
    rm -rf "$dir"
    git -C "$SRC" worktree add -q -f --detach "$dir" upstream
fi
git -C "$dir" checkout -q -f --detach upstream
cp "$SRC"/pc-bios/edk2-*.fd.bz2 "$dir/pc-bios/"
