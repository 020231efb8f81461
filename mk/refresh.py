#!/usr/bin/python3
"""Write the commits of the assembled tree back into patches/ and the overlay.

    mk/refresh.py SRC

SRC is the tree mk/assemble.py made (build/src): the 'upstream' tag, then
one commit per series stanza, each with a note (refs/notes/svm-apm) naming
the stanza it came from.  Edit the series there with git (rebase -i,
commit --amend, --fixup), then run this: every commit on top of 'upstream'
becomes a stanza again, in order.

  - A commit that its old stanza still reproduces exactly (the stanza's
    diff and files, applied to the commit's parent, give the commit's
    tree) keeps that stanza's files byte for byte; only its message is
    rewritten, and only when it changed.
  - Otherwise its changes to files that exist before it become its .diff,
    and the files it adds become overlay files at their QEMU paths.
  - A commit without a note is new: its files are named after its subject.
  - The files of a stanza that no commit names any more are removed.

It refuses, changing nothing, when SRC has uncommitted changes or a rebase
in progress, when its
history does not start at 'upstream', or when a commit touches the
build-only stand-ins (pc-bios/edk2-*.fd.bz2).
"""

import fnmatch
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble import REPO, NOTES, parse_series  # noqa: E402

BUILD_ONLY = "pc-bios/edk2-*.fd.bz2"


def die(msg):
    sys.stderr.write("mk/refresh.py: " + msg + "\n")
    sys.exit(1)


def git(src, *args, env=None, inp=None):
    r = subprocess.run(["git", "-C", src] + list(args), input=inp,
                       capture_output=True, env=env)
    if r.returncode:
        die("git %s: %s" % (" ".join(args), r.stderr.decode().strip()))
    return r.stdout.decode()



def read_series():
    """The series as (stanza, raw text) blocks, plus its leading comment."""
    text = open(os.path.join(REPO, "patches/series")).read()
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    head = []
    while blocks and all(l.startswith("#") for l in blocks[0].split("\n")):
        head.append(blocks.pop(0))
    entries = parse_series(os.path.join(REPO, "patches/series"))
    if len(entries) != len(blocks):
        die("patches/series: cannot pair stanzas with their text")
    return head, {e["message"][0]: (e, b) for e, b in zip(entries, blocks)}


def stanza_tree(src, parent, e):
    """The tree that stanza e gives on top of commit parent, or None."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tmp, "index"))
        git(src, "read-tree", parent, env=env)
        if e["patch"][0] != "-":
            r = subprocess.run(["git", "-C", src, "apply", "--cached",
                                "--whitespace=nowarn",
                                os.path.join(REPO, "patches", e["patch"][0])],
                               capture_output=True, env=env)
            if r.returncode:
                return None
        for rel in e["files"]:
            p = os.path.join(REPO, rel)
            if not os.path.isfile(p):
                return None
            sha = git(src, "hash-object", "-w", p).strip()
            mode = "100755" if os.access(p, os.X_OK) else "100644"
            git(src, "update-index", "--add", "--cacheinfo",
                "%s,%s,%s" % (mode, sha, rel), env=env)
        return git(src, "write-tree", env=env).strip()


def slug(subject, taken):
    area, _, what = subject.partition(": ")
    if not what:
        area, what = "", subject
    stop = {"a", "an", "the", "for", "of", "to", "in", "and", "on", "with"}
    words = [w for w in re.sub(r"[^a-z0-9]+", " ", what.lower()).split()
             if w not in stop]
    base = "-".join([w for w in re.split(r"[/,]", area.lower()) if w][:2] +
                    words[:4])
    base = re.sub(r"[^a-z0-9-]+", "-", base).strip("-")[:50] or "patch"
    name, n = base, 2
    while name in taken:
        name, n = "%s-%d" % (base, n), n + 1
    return name


def main():
    if len(sys.argv) != 2:
        die("usage: refresh.py SRC")
    src = os.path.abspath(sys.argv[1])
    if not os.path.isdir(os.path.join(src, ".git")):
        die("%s is not an assembled tree; run make src first" % src)
    gitdir = os.path.join(src, ".git")
    if any(os.path.exists(os.path.join(gitdir, d)) for d in
           ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD")):
        die("%s is in the middle of a rebase, merge or cherry-pick; finish it first"
            % src)
    if git(src, "status", "--porcelain", "--untracked-files=no").strip():
        die("%s has uncommitted changes; commit or stash them first" % src)
    if subprocess.run(["git", "-C", src, "rev-parse", "-q", "--verify",
                       "upstream^{commit}"], capture_output=True).returncode:
        die("%s has no 'upstream' tag" % src)
    if subprocess.run(["git", "-C", src, "merge-base", "--is-ancestor",
                       "upstream", "HEAD"]).returncode:
        die("HEAD of %s does not descend from the 'upstream' tag" % src)
    commits = git(src, "rev-list", "--reverse", "--topo-order",
                  "upstream..HEAD").split()
    if git(src, "rev-list", "--merges", "upstream..HEAD").strip():
        die("the history on top of 'upstream' has merges; make it linear")
    for c in commits:
        parents = git(src, "rev-list", "--parents", "-n1", c).split()[1:]
        if len(parents) != 1:
            die("commit %s has %d parents" % (c[:12], len(parents)))
        touched = git(src, "diff-tree", "--no-commit-id", "--name-only",
                      "-r", c).split()
        bad = [p for p in touched if fnmatch.fnmatch(p, BUILD_ONLY)]
        if bad:
            die("commit %s touches the build-only file %s; drop that change"
                % (c[:12], bad[0]))

    head, old = read_series()
    taken = {n[:-len(".msg")] for n in old}
    used = set()
    blocks, writes = [], {}
    overlay_now = set()
    for c in commits:
        parent = c + "^"
        note = subprocess.run(["git", "-C", src, "notes", "--ref", NOTES,
                               "show", c], capture_output=True, text=True)
        names = re.findall(r"(?m)^stanza: (\S+)$", note.stdout)
        # A squash concatenates notes: the first stanza names the commit.
        name = next((n for n in names if n in old and n not in used), None)
        msg = git(src, "log", "-1", "--format=%B", c)
        msg = msg.rstrip("\n") + "\n"
        if name:
            e, raw = old[name]
            used.add(name)
            keep = stanza_tree(src, parent, e) == \
                git(src, "rev-parse", c + "^{tree}").strip()
        else:
            name = slug(msg.split("\n")[0], taken) + ".msg"
            taken.add(name[:-len(".msg")])
            e, raw, keep = None, None, False
        writes[os.path.join("patches", name)] = msg
        if keep:
            blocks.append(raw)
            overlay_now.update(e["files"])
            continue
        # Files that exist before the commit go into its diff; files it
        # adds into the overlay (ordered as the old stanza listed them).
        status = git(src, "diff-tree", "--no-commit-id", "--no-renames",
                     "-r", "--name-status", c).split("\n")
        added, changed = [], []
        for l in status:
            if l:
                st, path = l.split("\t", 1)
                (added if st == "A" else changed).append(path)
        if e:
            added.sort(key=lambda p: (e["files"].index(p)
                                      if p in e["files"] else len(e["files"])))
        base = name[:-len(".msg")]
        lines = []
        if changed:
            patch = e["patch"][0] if e and e["patch"][0] != "-" \
                else base + ".diff"
            writes[os.path.join("patches", patch)] = git(
                src, "diff", "--no-color", "--no-ext-diff", "--no-renames",
                "--src-prefix=a/", "--dst-prefix=b/", parent, c, "--",
                *changed)
            lines.append("patch: " + patch)
        for p in added:
            writes[p] = subprocess.run(
                ["git", "-C", src, "show", "%s:%s" % (c, p)],
                capture_output=True, check=True).stdout
            overlay_now.add(p)
        if added:
            lines.append("files: " + " ".join(added))
        lines.append("message: " + name)
        blocks.append("\n".join(lines))

    # Write what changed; remove what no stanza names any more.
    for rel, data in writes.items():
        p = os.path.join(REPO, rel)
        if isinstance(data, str):
            data = data.encode()
        if os.path.isfile(p) and open(p, "rb").read() == data:
            continue
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        print("mk/refresh.py: wrote %s" % rel)
    kept_patches = {l.split()[1] for b in blocks for l in b.split("\n")
                    if l.startswith("patch: ")}
    for name, (e, _) in old.items():
        if name in used:
            continue
        gone = [os.path.join("patches", name)]
        if e["patch"][0] != "-" and e["patch"][0] not in kept_patches:
            gone.append(os.path.join("patches", e["patch"][0]))
        gone += [f for f in e["files"] if f not in overlay_now]
        for rel in gone:
            if os.path.exists(os.path.join(REPO, rel)) and rel not in writes:
                os.unlink(os.path.join(REPO, rel))
                print("mk/refresh.py: removed %s" % rel)
    series = "\n\n".join(head + blocks) + "\n"
    p = os.path.join(REPO, "patches/series")
    if open(p).read() != series:
        with open(p, "w") as f:
            f.write(series)
        print("mk/refresh.py: wrote patches/series")


if __name__ == "__main__":
    main()
