#!/bin/bash
# Failure modes of the tooling: each line "ok <what>" or a diagnostic.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(bash "$here/fetch.sh")
status=0

check() {  # check WHAT COMMAND...; succeeds when COMMAND does
    local what=$1; shift
    if "$@"; then echo "ok $what"; else echo "FAILED $what"; status=1; fi
}

# A checksum mismatch is refused with a message naming the file.
mkdir -p "$tmp/cache"
cp "$tarball" "$tmp/cache/"
SVM_APM_CACHE=$tmp/cache QEMU_SHA256=$(printf '0%.0s' $(seq 64)) \
    bash "$here/fetch.sh" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "fetch: sha256 mismatch refused" \
    test $rc != 0 -a -n "$(grep 'sha256 mismatch for qemu_10.2.2+ds.orig.tar.xz' "$tmp/err")"

# A series naming a missing file stops before touching any tree.
mkdir -p "$tmp/repo"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/repo" -xf -
printf '\npatch: -\nfiles: no/such/file.c\nmessage: %s\n' \
    "$(sed -n 's/^message: //p' "$top/patches/series" | head -1)" \
    >> "$tmp/repo/patches/series"
/usr/bin/python3 "$tmp/repo/mk/assemble.py" "$tarball" "$tmp/src" 2> "$tmp/err"
rc=$?
check "assemble: missing series file named, no tree" \
    test $rc != 0 -a ! -e "$tmp/src" -a -n "$(grep 'missing file no/such/file.c' "$tmp/err")"

# A patch that does not apply names its entry and leaves no stamp.
cp -r "$top/patches/." "$tmp/repo/patches/"
cat > "$tmp/repo/patches/broken.diff" <<'EOP'
--- a/VERSION
+++ b/VERSION
@@ -1 +1 @@
-0.0.1
+0.0.2
EOP
printf '\npatch: broken.diff\nmessage: %s\n' \
    "$(sed -n 's/^message: //p' "$top/patches/series" | head -1)" \
    >> "$tmp/repo/patches/series"
/usr/bin/python3 "$tmp/repo/mk/assemble.py" "$tarball" "$tmp/src" \
    > /dev/null 2> "$tmp/err"
rc=$?
check "assemble: non-applying patch named, tree not stamped" \
    test $rc != 0 -a ! -e "$tmp/src.stamp" -a -n "$(grep 'patches/series:[0-9]*: patch broken.diff does not apply' "$tmp/err")"

# Assembly is idempotent: a second run does nothing.
out=$(/usr/bin/python3 "$here/assemble.py" "$tarball" "$top/build/src")
check "assemble: up-to-date tree left alone" test -z "$out"

# The series commits are exactly the entries, on top of the pristine tree.
n=$(grep -c '^message:' "$top/patches/series")
check "assemble: one commit per series entry" \
    test "$(git -C "$top/build/src" rev-list --count upstream..master)" = "$n"
# The exported series applies with git am to a pristine extraction.
if ls "$top"/build/series/0001-*.patch > /dev/null 2>&1; then
    mkdir -p "$tmp/pristine"
    tar -xf "$tarball" -C "$tmp/pristine" --strip-components=1
    (cd "$tmp/pristine" && git init -q && git add -A -f &&
     git -c user.name=t -c user.email=t@t commit -q -m pristine &&
     git -c user.name=t -c user.email=t@t am -q \
        $(ls "$top"/build/series/0*.patch | grep -v 0000-cover-letter)) \
        > "$tmp/am.log" 2>&1
    rc=$?
    check "series: git am applies it to the pristine tarball" test $rc = 0
    [ $rc = 0 ] || tail -5 "$tmp/am.log"
fi
# make refresh: the series round-trips through git.  A clone of the
# assembled tree (with its stanza notes) and a copy of the repository.
rt=$tmp/rt
mkdir -p "$rt/repo"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$rt/repo" -xf -
cp -r "$rt/repo" "$rt/repo0"
git clone -q "$top/build/src" "$rt/src" &&
    git -C "$rt/src" fetch -q origin 'refs/notes/*:refs/notes/*' &&
    git -C "$rt/src" config notes.rewriteRef refs/notes/svm-apm &&
    cp "$top/build/src/.git/upstream-tarball" "$rt/src/.git/"
G() { git -C "$rt/src" -c user.name=t -c user.email=t@t "$@"; }
refresh() { /usr/bin/python3 "$rt/repo/mk/refresh.py" "$rt/src"; }
refresh > "$tmp/out" 2>&1
check "refresh: assemble then refresh changes nothing" \
    diff -r -q "$rt/repo0" "$rt/repo"
# Refusals, each with one line and nothing written.
echo "/* dirty */" >> "$rt/src/VERSION"
refresh > /dev/null 2> "$tmp/err"; rc=$?
check "refresh: refuses a dirty tree" \
    test $rc != 0 -a -n "$(grep 'has uncommitted changes' "$tmp/err")"
G checkout -q -- VERSION
G checkout -q --orphan orphan-test && G commit -q -m orphan
refresh > /dev/null 2> "$tmp/err"; rc=$?
check "refresh: refuses a history that does not start at upstream" \
    test $rc != 0 -a -n "$(grep "does not descend from the 'upstream' tag" "$tmp/err")"
G checkout -q -f master
echo x > "$rt/src/pc-bios/edk2-i386-code.fd.bz2"
G add -f pc-bios/edk2-i386-code.fd.bz2 && G commit -q -m "touch a build-only file"
refresh > /dev/null 2> "$tmp/err"; rc=$?
check "refresh: refuses a commit that touches a build-only stand-in" \
    test $rc != 0 -a -n "$(grep 'touches the build-only file pc-bios/edk2-i386-code.fd.bz2' "$tmp/err")"
G reset -q --hard HEAD~1
check "refresh: a refusal writes nothing" diff -r -q "$rt/repo0" "$rt/repo"
# Amend a commit in the middle and insert a new one after it; refresh,
# re-assemble: the same tree, and a second refresh is a no-op.
GIT_SEQUENCE_EDITOR="sed -i '10s/^pick/edit/'" G rebase -q -i upstream > /dev/null 2>&1
f=$(G show --name-only --format= HEAD | grep -v '\.h$' | head -1)
echo "/* refresh self-test */" >> "$rt/src/$f"
G commit -q -a --amend --no-edit
echo "/* new */" > "$rt/src/target/i386/svm/refresh-test.c"
G add target/i386/svm/refresh-test.c
G commit -q -m "target/i386: add a file for the refresh test"
G rebase --continue > /dev/null 2>&1
want=$(G rev-parse HEAD^{tree})
refresh > "$tmp/out" 2>&1
/usr/bin/python3 "$rt/repo/mk/assemble.py" "$tarball" "$rt/src" > /dev/null 2>&1
check "refresh: amended and inserted commits survive refresh + assemble" \
    test "$(G rev-parse HEAD^{tree})" = "$want" -a \
         -n "$(grep 'wrote patches/target-i386-add-file-refresh-test.msg' "$tmp/out")"
cp -r "$rt/repo" "$rt/repo2"
refresh > /dev/null 2>&1
check "refresh: a second refresh is a no-op" diff -r -q "$rt/repo2" "$rt/repo"
exit $status
