#!/usr/bin/env python3
"""QMP client test: starts Morpho paused (-S) with QMP on a unix socket,
negotiates, queries, resumes and stops (checking the RESUME/STOP events),
sends malformed JSON and unknown commands (the connection must stay
usable), runs an HMP command through human-monitor-command, resets, and
quits (checking the SHUTDOWN event and the exit status).

    qmp-test.py MORPHO_SYSTEM_RISCV64 GUEST.elf BACKEND
"""
import json
import sys
import time

from monitor_client import check, connect_unix, fail, start_paused


class Qmp:
    def __init__(self, path):
        self.sock = connect_unix(path)
        self.buf = b""
        self.events = []

    def recv(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, text):
        self.sock.sendall(text.encode() + b"\n")

    def reply(self):
        """The next reply (return or error), collecting events on the way."""
        while True:
            msg = self.recv()
            if "event" in msg:
                check("timestamp" in msg and "seconds" in msg["timestamp"] and
                      "microseconds" in msg["timestamp"], "event timestamp: %r" % msg)
                self.events.append(msg["event"])
                continue
            return msg

    def cmd(self, name, args=None, id=None):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        if id is not None:
            req["id"] = id
        self.send_raw(json.dumps(req))
        return self.reply()

    def wait_event(self, name, timeout=10):
        deadline = time.time() + timeout
        while name not in self.events:
            if time.time() > deadline:
                fail("no %s event (got %r)" % (name, self.events))
            msg = self.recv()
            if "event" in msg:
                self.events.append(msg["event"])
        self.events.remove(name)


def main():
    morpho, elf, backend = sys.argv[1:4]
    proc, path = start_paused(morpho, elf, backend, "-qmp")
    try:
        q = Qmp(path)
        greeting = q.recv()
        check("QMP" in greeting and "version" in greeting["QMP"] and
              greeting["QMP"]["capabilities"] == [], "greeting: %r" % greeting)
        check("qemu" in greeting["QMP"]["version"], "greeting version: %r" % greeting)

        r = q.cmd("query-status")
        check(r.get("error", {}).get("class") == "CommandNotFound",
              "command before negotiation: %r" % r)
        r = q.cmd("qmp_capabilities", id=1)
        check(r == {"return": {}, "id": 1}, "qmp_capabilities: %r" % r)
        r = q.cmd("qmp_capabilities")
        check(r.get("error", {}).get("class") == "CommandNotFound", "second negotiation: %r" % r)

        r = q.cmd("query-version", id="v")
        check(r["id"] == "v" and "qemu" in r["return"], "query-version: %r" % r)
        r = q.cmd("query-status")
        check(r["return"]["status"] == "prelaunch" and not r["return"]["running"],
              "status under -S: %r" % r)
        r = q.cmd("query-cpus-fast")
        check(len(r["return"]) >= 1 and r["return"][0]["cpu-index"] == 0, "cpus: %r" % r)
        r = q.cmd("query-commands")
        names = [c["name"] for c in r["return"]]
        for n in ("query-status", "stop", "cont", "quit", "human-monitor-command"):
            check(n in names, "query-commands lacks %s" % n)

        r = q.cmd("cont")
        check(r == {"return": {}}, "cont: %r" % r)
        q.wait_event("RESUME")
        r = q.cmd("query-status")
        check(r["return"] == {"status": "running", "singlestep": False, "running": True},
              "status running: %r" % r)
        r = q.cmd("stop")
        check(r == {"return": {}}, "stop: %r" % r)
        q.wait_event("STOP")
        r = q.cmd("query-status")
        check(r["return"]["status"] == "paused", "status paused: %r" % r)

        # Malformed input: an error reply each, and the connection lives on.
        q.send_raw('{"execute": }')
        r = q.reply()
        check(r.get("error", {}).get("class") == "GenericError", "malformed: %r" % r)
        q.send_raw("[1, 2]")
        r = q.reply()
        check(r.get("error", {}).get("class") == "GenericError", "non-object: %r" % r)
        q.send_raw('{"arguments": {}}')
        r = q.reply()
        check("execute" in r.get("error", {}).get("desc", ""), "no execute: %r" % r)
        r = q.cmd("no-such-command", id=[1, "a"])
        check(r == {"error": {"class": "CommandNotFound",
                              "desc": "The command no-such-command has not been found"},
                    "id": [1, "a"]}, "unknown command: %r" % r)
        r = q.cmd("stop", {"force": True})
        check(r.get("error", {}).get("class") == "GenericError", "unexpected argument: %r" % r)
        r = q.cmd("human-monitor-command", {})
        check("command-line" in r.get("error", {}).get("desc", ""), "hmp without line: %r" % r)

        r = q.cmd("human-monitor-command", {"command-line": "info status"})
        check(r == {"return": "VM status: paused\r\n"}, "hmp info status: %r" % r)
        r = q.cmd("human-monitor-command", {"command-line": "xp/2xw 0x1000"})
        check(r["return"].startswith("0000000000001000: 0x"), "hmp xp: %r" % r)

        r = q.cmd("system_reset")
        check(r == {"return": {}}, "system_reset: %r" % r)
        q.wait_event("RESET")
        r = q.cmd("system_powerdown")
        check(r == {"return": {}}, "system_powerdown: %r" % r)
        q.wait_event("POWERDOWN")

        r = q.cmd("cont")
        q.wait_event("RESUME")
        r = q.cmd("quit")
        check(r == {"return": {}}, "quit: %r" % r)
        q.wait_event("SHUTDOWN")
        status = proc.wait(timeout=10)
        check(status == 0, "exit status %d after quit" % status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print("qmp-test: ok")


if __name__ == "__main__":
    main()
