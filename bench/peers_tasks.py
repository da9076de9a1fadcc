#!/usr/bin/env python3
"""Writes one task mix of the peers benchmark in every form the contenders
read, so that all of them run exactly the same commands:

  MIX.yaml   a farm sweep             MIX.tsv    argv per line, tab-separated (floor)
  MIX.jsonl  argv per line as JSON    MIX.sh     shell-quoted command per line
  MIX.durations  each task's known duration in seconds, a line each (0 for no-op and python)

Mixes: noop (/bin/echo of a JSON object), python (python3 -c printing a JSON
object), uneven (sleep 10–200 ms, drawn with a fixed seed, then echo).
Usage: peers_tasks.py MIX N OUTDIR PYTHON"""
import json
import random
import shlex
import sys

mix, n, out, python = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pycode = "import json, sys; print(json.dumps({'i': int(sys.argv[1])}))"
sleeper = 'sleep "$0"; echo "{\\"d\\": $0}"'

if mix == "noop":
    template, values = ["/bin/echo", '{"i": {i}}'], {"i": list(range(1, n + 1))}
elif mix == "python":
    template, values = [python, "-c", pycode, "{i}"], {"i": list(range(1, n + 1))}
elif mix == "uneven":
    rng = random.Random(20261126)
    durations = set()
    while len(durations) < n:
        durations.add(round(rng.uniform(0.010, 0.200), 6))
    template, values = ["/bin/sh", "-c", sleeper, "{d}"], {"d": sorted(durations, key=lambda _: rng.random())}
else:
    sys.exit("unknown mix " + mix)

name = next(iter(values))
argvs = [[a.replace("{%s}" % name, str(v)) for a in template] for v in values[name]]
with open(f"{out}/{mix}.yaml", "w") as f:
    f.write("command: %s\n" % json.dumps(template))
    f.write("parameters:\n  %s: %s\n" % (name, json.dumps(values[name])))
with open(f"{out}/{mix}.tsv", "w") as f:
    f.writelines("\t".join(a) + "\n" for a in argvs)
with open(f"{out}/{mix}.jsonl", "w") as f:
    f.writelines(json.dumps(a) + "\n" for a in argvs)
with open(f"{out}/{mix}.sh", "w") as f:
    f.writelines(shlex.join(a) + "\n" for a in argvs)
with open(f"{out}/{mix}.durations", "w") as f:
    f.writelines("%s\n" % (v if mix == "uneven" else 0) for v in values[name])
