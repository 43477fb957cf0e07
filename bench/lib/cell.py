#!/usr/bin/env python3
"""One measured cell of bench/run: joins wrk's result with what bench/run read around it, prints
it as a JSON line on stdout and a one-line summary on stderr. `disturbed` is set when processes
other than the server, PostgreSQL and wrk used more than CELL_OTHER_MAX cores during the cell.

    cell.py [extra env of the cell…]   (the rest comes in CELL_* environment variables)
"""

import json
import os
import sys


def main():
    e = os.environ
    d = json.loads(e["CELL_JSON"])
    s0, p0, hz, b0 = map(int, e["CELL_CPU0"].split())
    s1, p1, _, b1 = map(int, e["CELL_CPU1"].split())
    wrk_cpu = sum(float(x.rstrip("s").split("m")[0]) * 60 + float(x.rstrip("s").split("m")[1])
                  for x in e.get("CELL_WRK_TIMES", "0m0s 0m0s").split())

    def num(v):
        return None if v in ("", "null") else int(v)

    d.update(section=e["CELL_SECTION"], system=e["CELL_SYSTEM"], workload=e["CELL_WORKLOAD"],
             backend=e["CELL_BACKEND"], connections=int(e["CELL_CONNS"]),
             threads=int(e["CELL_THREADS"]), statements=num(e["CELL_STMTS"]),
             queries=num(e["CELL_QUERIES"]), server_cpu_s=(s1 - s0) / hz,
             postgres_cpu_s=(p1 - p0) / hz, wrk_cpu_s=wrk_cpu, extra=sys.argv[1:])
    # CPU that neither the server, PostgreSQL nor wrk used: other processes on the machine
    d["other_cpu_cores"] = max(0.0, ((b1 - b0) / hz - d["server_cpu_s"] - d["postgres_cpu_s"] - wrk_cpu)
                               / max(d["duration_s"], 0.001))
    d["disturbed"] = d["other_cpu_cores"] > float(e.get("CELL_OTHER_MAX", "0.25"))
    print(json.dumps(d))

    n = d["requests"] or 1
    spr = f"{d['statements'] / n:.2f}" if d["statements"] is not None else "n/a"
    err = d["non_200"] + d["graphql_errors"] + d["socket_errors"]
    extra = " ".join(x for x in d["extra"] if x.startswith("BENCH_PAGE="))
    print(f"    {d['system']:<13}{d['workload']:<12}{extra:<15}{d['rps']:>9.1f} req/s"
          f"  p50 {d['p50_ms']:>8.2f} ms  p99 {d['p99_ms']:>8.2f} ms  SQL/req {spr:>6}"
          f"  CPU/req: server {1000 * d['server_cpu_s'] / n:.2f} ms, PostgreSQL {1000 * d['postgres_cpu_s'] / n:.2f} ms"
          + (f"  ERRORS {err}/{d['requests']}" if err else "")
          + (f"  DISTURBED: other processes used {d['other_cpu_cores']:.2f} cores" if d["disturbed"] else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
