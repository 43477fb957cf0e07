#!/usr/bin/env python3
"""Copies the benchmark dataset from PostgreSQL into a SQLite file whose schema the gateway's
`migrate` has made, so that both backends serve the same rows.

    pg_to_sqlite.py PG_URL SQLITE_FILE

Values are written as the gateway (SeaORM over sqlx) writes them: timestamps as RFC 3339 text in
UTC with sqlx's `AutoSi` fraction (`2026-11-01T00:00:00.5+00:00`), booleans as 0/1, JSON as text.
"""

import sqlite3
import subprocess
import sys
import time

TABLES = [
    "users",
    "integrations",
    "integration_runs",
    "integration_errors",
    "integration_history_records",
    "integration_record_responses",
]


def psql(url, sql):
    out = subprocess.run(
        ["psql", url, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def ts(text):
    # 'YYYY-MM-DDTHH:MI:SS.ffffff' → sqlx's AutoSi fraction (none, 3 or 6 digits) and +00:00
    base, frac = text.split(".")
    if frac == "000000":
        return base + "+00:00"
    if frac.endswith("000"):
        return f"{base}.{frac[:3]}+00:00"
    return f"{base}.{frac}+00:00"


def unescape(v):
    # COPY text format: \N is NULL; our generated values carry no tabs, newlines or backslashes
    # except in JSON, where COPY doubles the backslash.
    if v == "\\N":
        return None
    return v.replace("\\\\", "\\") if "\\" in v else v


def main():
    url, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA cache_size = -262144")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN (%s)" % ",".join("?" * len(TABLES)), TABLES).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    for table in TABLES:
        started = time.time()
        sqlite_cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        types = dict(psql(url, (
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = 'public' AND table_name = '{table}'")))
        cols = [c for c in sqlite_cols if c in types]
        exprs = []
        convert = []
        for c in cols:
            t = types[c]
            if t.startswith("timestamp"):
                exprs.append(f"""to_char("{c}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')""")
                convert.append(ts)
            elif t == "boolean":
                exprs.append(f'"{c}"')
                convert.append(lambda v: 1 if v == "t" else 0)
            elif t in ("integer", "bigint", "smallint"):
                exprs.append(f'"{c}"')
                convert.append(int)
            else:
                exprs.append(f'"{c}"')
                convert.append(str)
        query = f'COPY (SELECT {", ".join(exprs)} FROM "{table}" ORDER BY id) TO STDOUT'
        proc = subprocess.Popen(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-c", query],
                                stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
        insert = f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) ' \
                 f'VALUES ({", ".join("?" * len(cols))})'

        def rows():
            for line in proc.stdout:
                vals = line.rstrip("\n").split("\t")
                yield tuple(None if (u := unescape(v)) is None else f(u)
                            for v, f in zip(vals, convert))

        db.execute("BEGIN")
        db.execute(f'DELETE FROM "{table}"')
        db.executemany(insert, rows())
        db.execute("COMMIT")
        if proc.wait() != 0:
            sys.exit(f"psql COPY of {table} failed")
        n = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        print(f"  sqlite: {table}: {n} rows ({time.time() - started:.1f}s)", file=sys.stderr)
    for _, sql in indexes:
        db.execute(sql)
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
