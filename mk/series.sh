#!/bin/bash
# Export the series (upstream..master of the assembled tree) with a cover
# letter to build/series/ and run QEMU's checkpatch on every patch.
set -euo pipefail
out=$BUILD/series
rm -rf "$out"
mkdir -p "$out"
n=$(git -C "$SRC" rev-list --count upstream..master)
if [ "$n" = 0 ]; then
    echo "mk/series.sh: patches/series is empty; nothing to export"
    exit 0
fi
git -C "$SRC" format-patch -q --cover-letter --thread=shallow \
    -o "$out" upstream..master
cover=$(ls "$out"/0000-cover-letter.patch)
if [ -f "$TOP/patches/cover-letter.txt" ]; then
    /usr/bin/python3 - "$cover" "$TOP/patches/cover-letter.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, body = text.partition("\n")
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", subject.strip())
s = s.replace("*** BLURB HERE ***", body.strip())
open(cover, "w").write(s)
PY
fi
fail=0
for p in "$out"/0*.patch; do
    case $p in *0000-cover-letter.patch) continue;; esac
    (cd "$SRC" && ./scripts/checkpatch.pl "$p") > "$p.checkpatch" 2>&1
    total=$(grep "^total:" "$p.checkpatch" || echo "total: ? errors")
    echo "  $(basename "$p"): $total"
    if ! grep -q "^total: 0 errors" "$p.checkpatch"; then
        grep -E "^ERROR" -A3 "$p.checkpatch" >&2 || cat "$p.checkpatch" >&2
        fail=1
    fi
done
echo "mk/series.sh: $n patches + cover letter in $out"
[ $fail = 0 ] || { echo "mk/series.sh: checkpatch failed" >&2; exit 1; }
