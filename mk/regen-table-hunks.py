#!/usr/bin/python3
"""Regenerate the svm-conformance.h hunks of the target/i386 patches.

The table is added by the first patch (its repository copy is that
version); later patches only delete known-failure lines from it.  After
editing the repository copy, run this from the repository top to rebuild
each later patch's hunk from the lines it deletes."""
import re, subprocess, os
H='tests/tcg/x86_64/system/svm-conformance.h'
# Every later patch whose diff touches the table, in series order.
order = [l.split()[1][:-len('.diff')] for l in open('patches/series')
         if l.startswith('patch:') and l.split()[1] != '-']
order = [n for n in order
         if ('diff --git a/%s ' % H) in open('patches/%s.diff' % n).read()]
base=open(H).read()
def sections(d):
    parts=re.split(r'(?m)^(?=diff --git )', d)
    return [p for p in parts if p]
for name in order:
    p='patches/%s.diff'%name
    d=open(p).read()
    secs=sections(d)
    new_secs=[]
    for sec in secs:
        if sec.startswith('diff --git a/%s '%H):
            removed=[l[1:] for l in sec.split('\n') if l.startswith('-    { "')]
            lines=base.split('\n')
            newlines=[l for l in lines if l not in removed]
            assert len(lines)-len(newlines)==len(removed), (name, removed)
            nb='\n'.join(newlines)
            open('/tmp/a.h','w').write(base); open('/tmp/b.h','w').write(nb)
            r=subprocess.run(['git','diff','--no-index','/tmp/a.h','/tmp/b.h'],capture_output=True,text=True).stdout
            r=r.replace('a/tmp/a.h','a/'+H).replace('b/tmp/b.h','b/'+H)
            # keep the index line shape simple
            r=re.sub(r'(?m)^index .*\n','',r)
            new_secs.append(r)
            base=nb
        else:
            new_secs.append(sec)
    open(p,'w').write(''.join(new_secs))
    print(name, 'ok')
