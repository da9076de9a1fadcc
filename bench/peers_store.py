"""Stores results the way every contender of the peers benchmark must: each
JSON object a task printed becomes a row of a SQLite table (standard sqlite3
module, WAL, committed every 256 rows)."""
import json
import sqlite3


class ResultStore:
    def __init__(self, path, table="results"):
        self.con = sqlite3.connect(path, timeout=120)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.table = table
        self.columns = None
        self.pending = 0

    def add(self, stdout):
        row = json.loads(stdout)
        if self.columns is None:
            self.columns = list(row)
            cols = ", ".join('"%s"' % c for c in self.columns)
            self.con.execute('CREATE TABLE IF NOT EXISTS "%s" (%s)' % (self.table, cols))
            self.insert = 'INSERT INTO "%s" (%s) VALUES (%s)' % (self.table, cols, ", ".join("?" * len(self.columns)))
        self.con.execute(self.insert, [row.get(c) for c in self.columns])
        self.pending += 1
        if self.pending >= 256:
            self.con.commit()
            self.pending = 0

    def close(self):
        self.con.commit()
        self.con.close()
