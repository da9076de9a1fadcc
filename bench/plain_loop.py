#!/usr/bin/env python3
"""The baseline for farm's throughput: one process spawning the same commands
one after another (argv, no shell), capturing stdout, storing nothing.
Usage: plain_loop.py noop|python N   → prints the wall seconds."""
import subprocess
import sys
import time

kind, n = sys.argv[1], int(sys.argv[2])
start = time.monotonic()
for i in range(1, n + 1):
    if kind == "noop":
        argv = ["/bin/echo", '{"i": %d}' % i]
    else:
        argv = [sys.executable, "-c", "import json, sys; print(json.dumps({'i': int(sys.argv[1])}))", str(i)]
    subprocess.run(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True)
print("%.3f" % (time.monotonic() - start))
