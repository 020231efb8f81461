#!/usr/bin/python3
"""Assemble the QEMU source tree: pristine tarball + one commit per series entry.

patches/series is a list of stanzas separated by blank lines:

    patch:   <file in patches/, or "-" when the entry only adds files>
    files:   <new files, at their QEMU paths relative to this repository>
    message: <file in patches/ holding the commit message>

The tree is rebuilt from scratch whenever the series or any of its inputs
changed; a stanza that does not apply stops everything with a message naming
it, so a half-patched tree is never left behind for the build.

Each commit carries a note (refs/notes/svm-apm) naming its stanza, so that
mk/refresh.py can write commits edited with git back into patches/.
"""

import hashlib
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHOR = "SVM-APM series <svm-apm@example.invalid>"
NOTES = "refs/notes/svm-apm"


def die(msg):
    sys.stderr.write("mk/assemble.py: " + msg + "\n")
    sys.exit(1)


def parse_series(path):
    entries = []
    cur = {}
    lineno = 0
    with open(path) as f:
        for line in f:
            lineno += 1
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if cur:
                    entries.append(cur)
                    cur = {}
                continue
            if ":" not in line:
                die("%s:%d: expected 'key: value'" % (path, lineno))
            key, val = line.split(":", 1)
            key = key.strip()
            if key not in ("patch", "files", "message"):
                die("%s:%d: unknown key '%s'" % (path, lineno, key))
            cur.setdefault("line", lineno)
            cur[key] = val.split()
    if cur:
        entries.append(cur)
    for e in entries:
        if "message" not in e or len(e["message"]) != 1:
            die("%s:%d: entry needs exactly one 'message:' file" % (path, e["line"]))
        e.setdefault("patch", ["-"])
        e.setdefault("files", [])
    return entries


def entry_inputs(e):
    out = [os.path.join("patches", e["message"][0])]
    if e["patch"][0] != "-":
        out.append(os.path.join("patches", e["patch"][0]))
    out.extend(e["files"])
    return out


def digest(entries, tarball):
    h = hashlib.sha256()
    h.update(os.path.basename(tarball).encode())
    h.update(open(os.path.join(REPO, "patches/series"), "rb").read())
    for e in entries:
        for rel in entry_inputs(e):
            p = os.path.join(REPO, rel)
            if not os.path.isfile(p):
                die("patches/series:%d: missing file %s" % (e["line"], rel))
            h.update(rel.encode())
            h.update(open(p, "rb").read())
    h.update(open(os.path.abspath(__file__), "rb").read())
    return h.hexdigest()


def git(src, *args, **kw):
    env = dict(os.environ,
               GIT_AUTHOR_NAME="SVM-APM series",
               GIT_AUTHOR_EMAIL="svm-apm@example.invalid",
               GIT_COMMITTER_NAME="SVM-APM series",
               GIT_COMMITTER_EMAIL="svm-apm@example.invalid",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    return subprocess.run(["git", "-C", src] + list(args), env=env,
                          check=True, **kw)


def build_only_adjustments(src):
    """Make the '+ds' tarball configurable without touching tracked files.

    Debian strips the edk2 firmware blobs; pc-bios/meson.build still wants
    to unpack them whenever bzip2 exists.  Empty, valid bzip2 streams stand
    in for them; they are untracked and ignored, so they never reach a
    commit of the series."""
    names = ["aarch64-code", "arm-code", "arm-vars", "riscv-code",
             "riscv-vars", "i386-code", "i386-secure-code", "i386-vars",
             "x86_64-code", "x86_64-secure-code", "loongarch64-code",
             "loongarch64-vars"]
    import bz2
    empty = bz2.compress(b"")
    for n in names:
        p = os.path.join(src, "pc-bios", "edk2-%s.fd.bz2" % n)
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(empty)
    excl = os.path.join(src, ".git/info/exclude")
    if "edk2" not in open(excl).read():
        with open(excl, "a") as f:
            f.write("/pc-bios/edk2-*.fd.bz2\n")


def reusable(dest, tag):
    try:
        return open(os.path.join(dest, ".git/upstream-tarball")).read().strip() == tag
    except OSError:
        return False


def assemble(tarball, dest):
    entries = parse_series(os.path.join(REPO, "patches/series"))
    want = digest(entries, tarball)
    stamp = dest + ".stamp"
    if os.path.isdir(dest) and os.path.exists(stamp) and \
            open(stamp).read().strip() == want:
        return
    if os.path.exists(stamp):
        os.unlink(stamp)
    tag = os.path.basename(tarball)
    if reusable(dest, tag):
        # Reset to the pristine commit in place: files the series does not
        # touch keep their mtimes, so the build stays incremental.
        tmp = dest
        git(tmp, "checkout", "-q", "-f", "master")
        git(tmp, "reset", "-q", "--hard", "upstream")
        git(tmp, "clean", "-q", "-fd")
    else:
        tmp = dest + ".new"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        print("mk/assemble.py: extracting %s" % tag, flush=True)
        subprocess.run(["tar", "-xf", tarball, "-C", tmp,
                        "--strip-components=1"], check=True)
        git(tmp, "init", "-q", "-b", "master")
        git(tmp, "config", "core.autocrlf", "false")
        git(tmp, "add", "-A", "-f")
        git(tmp, "commit", "-q", "-m", "upstream 10.2.2\n\nPristine %s." % tag)
        git(tmp, "tag", "upstream")
        with open(os.path.join(tmp, ".git/upstream-tarball"), "w") as f:
            f.write(tag + "\n")
    # rebase and commit --amend carry the stanza notes along.
    git(tmp, "config", "notes.rewriteRef", NOTES)
    for n, e in enumerate(entries, 1):
        where = "patches/series:%d" % e["line"]
        if e["patch"][0] != "-":
            p = os.path.join(REPO, "patches", e["patch"][0])
            r = subprocess.run(["git", "-C", tmp, "apply", "--index",
                                "--whitespace=nowarn", p],
                               capture_output=True, text=True)
            if r.returncode:
                die("%s: patch %s does not apply:\n%s"
                    % (where, e["patch"][0], r.stderr))
        for rel in e["files"]:
            d = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copy2(os.path.join(REPO, rel), d)
            git(tmp, "add", "-f", rel)
        msg = os.path.join(REPO, "patches", e["message"][0])
        git(tmp, "commit", "-q", "--allow-empty", "-F", msg)
        # Which stanza made this commit, for mk/refresh.py; kept out of
        # the message (that is the upstream submission).
        git(tmp, "notes", "--ref", NOTES, "add", "-f", "-m",
            "stanza: " + e["message"][0], stderr=subprocess.DEVNULL)
        print("mk/assemble.py: [%d/%d] %s" % (n, len(entries),
              open(msg).readline().strip()), flush=True)
    build_only_adjustments(tmp)
    if tmp != dest:
        shutil.rmtree(dest, ignore_errors=True)
        os.rename(tmp, dest)
    with open(stamp, "w") as f:
        f.write(want + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        die("usage: assemble.py TARBALL DEST")
    assemble(sys.argv[1], os.path.abspath(sys.argv[2]))
