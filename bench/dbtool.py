#!/usr/bin/env python3
"""The seed's way of storing a result, for comparison: a Python 3 script that
reads one JSON object on stdin and inserts it with the standard sqlite3 module
(WAL, a busy timeout), creating the table from the keys if it is missing."""
import json
import sqlite3
import sys


def insert(path, table="results"):
    row = json.load(sys.stdin)
    con = sqlite3.connect(path, timeout=120)
    con.execute("PRAGMA journal_mode=WAL")
    cols = ", ".join('"%s"' % k.replace('"', '""') for k in row)
    con.execute('CREATE TABLE IF NOT EXISTS "%s" (%s)' % (table, cols))
    marks = ", ".join("?" for _ in row)
    values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()]
    with con:
        con.execute('INSERT INTO "%s" (%s) VALUES (%s)' % (table, cols, marks), values)
    con.close()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "insert":
        sys.exit("usage: dbtool.py insert DB < row.json")
    insert(sys.argv[2])
