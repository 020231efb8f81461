#!/bin/busybox sh
# /init of the L2 Linux (mk/l2linux.sh): real work with deterministic
# output, then power off.  Each round: 200 fork/exec, 4 MiB written, copied
# and checksummed in tmpfs, and a timer-driven sleep.  "L2: " lines are the
# same on every run (mk/l2-migrate.sh compares them); "L2-uptime: " lines
# carry the timing.  The number of rounds comes from l2rounds= (default 1).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
rounds=$(sed -n 's/.*l2rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "L2: start rounds=${rounds:=1}"
r=1
while [ $r -le $rounds ]; do
    i=0
    while [ $i -lt 200 ]; do
        /bin/true || echo "L2: exec failed"
        i=$((i + 1))
    done
    # 4 MiB of the round's letter, copied and compared, checksummed
    c=$(echo abcdefghijklmnopqrstuvwxyz | cut -c$(( (r - 1) % 26 + 1 )))
    dd if=/dev/zero bs=64k count=64 2> /dev/null | tr '\000' "$c" > /tmp/a
    cp /tmp/a /tmp/b
    cmp -s /tmp/a /tmp/b && same=same || same=differ
    sum=$(md5sum /tmp/b | cut -d' ' -f1)
    rm -f /tmp/a /tmp/b
    sleep 1
    echo "L2: round $r fork/exec $i io $sum $same slept"
    echo "L2-uptime: round $r $(cut -d' ' -f1 /proc/uptime)"
    r=$((r + 1))
done
echo "L2: end"
echo "L2-uptime: end $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
