#!/usr/bin/python3
"""Minimal QMP client for mk/l2-migrate.sh.

    qmp.py SOCKET COMMAND [ARGS-JSON] ...

Runs each COMMAND (with its JSON arguments when the next word starts with
'{') and prints its "return" as JSON, one line each.  The pseudo command
wait-migration polls query-migrate until the migration ends and prints its
status, wait-incoming polls query-status until an incoming migration has
loaded; the exit status is 1 when a command fails, the migration does not
complete or the VM does not run after loading.
"""
import json
import socket
import sys
import time


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):                # QEMU may still be starting
        try:
            sock.connect(sys.argv[1])
            break
        except OSError:
            time.sleep(0.1)
    else:
        print("qmp: cannot connect to %s" % sys.argv[1])
        return 1
    stream = sock.makefile("rw")

    def call(cmd, args=None):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        stream.write(json.dumps(msg) + "\n")
        stream.flush()
        while True:
            line = stream.readline()
            if not line:                # QEMU exited (quit)
                return {"return": {}}
            reply = json.loads(line)
            if "return" in reply or "error" in reply:
                return reply

    json.loads(stream.readline())       # greeting
    call("qmp_capabilities")
    words = sys.argv[2:]
    while words:
        cmd = words.pop(0)
        args = json.loads(words.pop(0)) if words and words[0].startswith("{") else None
        if cmd == "wait-migration":
            while True:
                st = call("query-migrate")["return"].get("status", "none")
                if st in ("completed", "failed", "cancelled", "none"):
                    break
                time.sleep(0.1)
            print(st)
            if st != "completed":
                return 1
            continue
        if cmd == "wait-incoming":      # -incoming: until the VM runs
            while True:
                st = call("query-status")["return"].get("status", "exited")
                if st != "inmigrate":
                    break
                time.sleep(0.1)
            print(st)
            if st != "running":
                return 1
            continue
        reply = call(cmd, args)
        if "error" in reply:
            print("qmp: %s: %s" % (cmd, reply["error"].get("desc")))
            return 1
        print(json.dumps(reply["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
