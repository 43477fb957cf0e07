#!/usr/bin/env python3
"""CPU time used so far, in clock ticks, by a server's process group and by PostgreSQL.

    cpu.py PGID   →  "SERVER_TICKS POSTGRES_TICKS TICKS_PER_SECOND MACHINE_BUSY_TICKS"
    cpu.py --busy SECONDS  →  the cores the whole machine kept busy over that many seconds

The server is every process of the group PGID (bench/run starts each server with setsid, so
PostGraphile's cluster workers count too); PostgreSQL is every process of the postgres user, plus
the postmaster's reaped children (backends and workers that have exited), so the sum only grows.
"""

import os
import pwd
import sys


def _is_postmaster(fields):
    # the postmaster is the postgres process whose parent is not a postgres process
    try:
        return os.stat(f"/proc/{fields[1]}").st_uid != _PG_UID
    except OSError:
        return True


_PG_UID = -1


def main():
    global _PG_UID
    if len(sys.argv) > 2 and sys.argv[1] == "--busy":
        import time
        b0, t0 = machine_busy(), time.time()
        time.sleep(float(sys.argv[2]))
        b1, t1 = machine_busy(), time.time()
        print(f"{(b1 - b0) / os.sysconf('SC_CLK_TCK') / (t1 - t0):.2f}")
        return
    pgid = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else -1
    try:
        pg_uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        pg_uid = -1
    _PG_UID = pg_uid
    server = postgres = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            uid = os.stat(f"/proc/{name}").st_uid
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # fields[0] is the state (field 3 of stat(5)): pgrp is field 5, utime 14, stime 15
        pgrp, ticks = int(fields[2]), int(fields[11]) + int(fields[12])
        if pgrp == pgid:
            server += ticks
        elif uid == pg_uid:
            postgres += ticks
            if _is_postmaster(fields):
                # the backends that have exited (reaped by the postmaster) still count
                postgres += int(fields[13]) + int(fields[14])
    print(server, postgres, os.sysconf("SC_CLK_TCK"), machine_busy())


def machine_busy():
    # /proc/stat: cpu user nice system idle iowait irq softirq steal …, all CPUs, in USER_HZ ticks.
    # Processes' time only (user, nice, system): interrupt and softirq time (loopback networking of
    # the measurement itself) and steal are charged to no process, so they are left out.
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[0] + v[1] + v[2]


if __name__ == "__main__":
    main()
