#!/bin/bash
# make run: the SVM conformance guest under every available accelerator,
# as a per-scenario table (one column per accelerator) and a summary line.
set -uo pipefail
log=$BUILD/run
mkdir -p "$log"
echo "== building the conformance guest and its qtest runner"
make -C "$QBUILD" build-tcg-tests-x86_64-softmmu > "$log/build.log" 2>&1 &&
    ninja -C "$QBUILD" tests/qtest/svm-conformance-test >> "$log/build.log" 2>&1 || {
    tail -20 "$log/build.log"
    echo "make run: build failed; see $log/build.log" >&2
    exit 1
}
guest=$QBUILD/tests/tcg/x86_64-softmmu/svm-conformance
echo "== running (tcg always; kvm when /dev/kvm has AMD SVM)"
(cd "$QBUILD" && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
    SVM_CONFORMANCE_GUEST="$guest" SVM_CONFORMANCE_REPORT="$log/report.tsv" \
    ./tests/qtest/svm-conformance-test -k > "$log/qtest.tap" 2> "$log/qtest.err")
sed -n 's/^svm-conformance: /   /p' "$log/qtest.err"
# Without KVM+SVM on this host, the kvm column comes from KVM inside TCG.
if ! grep -q "^kvm" "$log/report.tsv" 2>/dev/null; then
    echo "== kvm column: Linux's KVM inside the patched TCG (make check-kvm-nested)"
    bash "$(dirname "$0")/kvm-nested.sh" > "$log/kvm-nested.log" 2>&1
    grep -E "^kvm-[0-9.]+: [a-z]" "$log/kvm-nested.log" | sed 's/^/   /'
    grep -iE "cannot download|^kernel: .*(failed|cannot)" "$log/kvm-nested.log" || true
    grep -E "^selftests?:" "$log/kvm-nested.log" | sed 's/^/   /'
    awk '$1 ~ /^kvm-[0-9.]+:$/ && $2 ~ /^(PASS|FAIL|XFAIL|XPASS)$/ {
        printf "%s\tnested\t%s\t-\t%s\t\n", substr($1, 1, length($1) - 1), $3, $2 }' \
        "$log/kvm-nested.log" >> "$log/report.tsv"
fi
/usr/bin/python3 - "$log/report.tsv" "$log/qtest.tap" <<'PY'
import sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    accel, variant, sid, rule, verdict, note = line.rstrip("\n").split("\t")
    cell = verdict + ("(%s)" % note if note else "")
    if rule == "-":     # kvm-nested rows carry no rule: find the row
        key = next((k for k in rows if k[0] == sid), (sid, ""))
    else:
        key = (sid, rule)
    rows.setdefault(key, {})[accel] = cell
seen = {a for r in rows.values() for a in r}
# one kvm column per L1 kernel when KVM runs inside TCG (kvm-6.12, kvm-7.2)
accels = ["tcg"] + sorted(a for a in seen if a.startswith("kvm-")) + ["kvm"]
w = max(len(s) for s, _ in rows) if rows else 10
print("%-*s  %-34s  " % (w, "scenario", "APM rule") +
      "  ".join("%-10s" % a for a in accels))
for (sid, rule), cells in rows.items():
    print("%-*s  %-34s  " % (w, sid, rule[:34]) + "  ".join(
        "%-10s" % cells.get(a, "skipped" if a not in seen else "-")
        for a in accels))
for a in accels:
    cells = [r[a] for r in rows.values() if a in r]
    n = lambda v: sum(1 for c in cells if c.split("(")[0] == v)
    # Format is a contract: "<column>: N scenarios, N passed, N failed,
    # N known-failures" (XPASS counts as failed: the table must change).
    print("%s: %d scenarios, %d passed, %d failed, %d known-failures"
          % (a, len(cells), n("PASS"), n("FAIL") + n("XPASS"), n("XFAIL")))
PY
