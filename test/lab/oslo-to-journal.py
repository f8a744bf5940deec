#!/usr/bin/python3
"""Convert lab log files into the Journal Export Format on stdout.

Usage: oslo-to-journal.py HOSTNAME MACHINE_ID BOOT_ID UNIT=LOGFILE...

Understands oslo.log lines ("2026-11-22 05:12:13.870 3660 INFO nova.compute.manager [...] msg")
and Open vSwitch vlog lines ("2026-11-22T05:08:47.123Z|00001|vlog|INFO|msg"). Each line becomes one
journal entry of unit UNIT.service with the line's time, pid and priority, so `journalctl -u UNIT`
on the node replays that service's log. Lines in neither format are skipped.
"""
import re
import sys
from datetime import datetime, timezone

OSLO = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) (\d+) (DEBUG|INFO|WARNING|ERROR|CRITICAL|TRACE) (\S+) (.*)$")
VLOG = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z\|\d+\|([^|]+)\|(DBG|INFO|WARN|ERR|EMER)\|(.*)$")
PRIORITY = {"DEBUG": 7, "DBG": 7, "INFO": 6, "WARNING": 4, "WARN": 4, "ERROR": 3, "ERR": 3,
            "CRITICAL": 2, "EMER": 0, "TRACE": 3}


def field(name: str, value: str) -> bytes:
    raw = value.encode("utf-8", "replace")
    if b"\n" in raw:  # binary-safe form of the export format
        return name.encode() + b"\n" + len(raw).to_bytes(8, "little") + raw + b"\n"
    return name.encode() + b"=" + raw + b"\n"


def entries(unit: str, path: str):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = OSLO.match(line)
            if m:
                ts = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)
                yield ts, m[2], PRIORITY[m[3]], line
                continue
            m = VLOG.match(line)
            if m:
                ts = datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
                yield ts, None, PRIORITY[m[3]], line


def main() -> None:
    host, machine_id, boot_id, *specs = sys.argv[1:]
    out = sys.stdout.buffer
    rows = []
    for spec in specs:
        unit, path = spec.split("=", 1)
        try:
            for ts, pid, prio, msg in entries(unit, path):
                rows.append((ts, unit, pid, prio, msg))
        except FileNotFoundError:
            continue
    rows.sort(key=lambda r: r[0])
    for n, (ts, unit, pid, prio, msg) in enumerate(rows):
        usec = int(ts.timestamp() * 1_000_000)
        out.write(field("__REALTIME_TIMESTAMP", str(usec)))
        out.write(field("__MONOTONIC_TIMESTAMP", str(n + 1)))
        out.write(field("_BOOT_ID", boot_id))
        out.write(field("_MACHINE_ID", machine_id))
        out.write(field("_HOSTNAME", host))
        out.write(field("_SYSTEMD_UNIT", f"{unit}.service"))
        out.write(field("SYSLOG_IDENTIFIER", unit))
        out.write(field("_TRANSPORT", "stdout"))
        if pid:
            out.write(field("_PID", pid))
        out.write(field("PRIORITY", str(prio)))
        out.write(field("MESSAGE", msg))
        out.write(b"\n")


if __name__ == "__main__":
    main()
