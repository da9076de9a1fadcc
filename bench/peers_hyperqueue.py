"""HyperQueue contender: the local cluster its Python package ships (a server
and one worker with S CPUs), one job of all tasks, each task's stdout to a
file; then every result is stored in SQLite. Usage:
  peers_hyperqueue.py TASKS.jsonl DB SLOTS WORKDIR"""
import json
import os
import sys

from hyperqueue import Job, LocalCluster
from hyperqueue.cluster import WorkerConfig

from peers_store import ResultStore

tasks = [json.loads(line) for line in open(sys.argv[1])]
db, slots, work = sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(work, exist_ok=True)
with LocalCluster(server_dir=os.path.join(work, "server")) as cluster:
    cluster.start_worker(WorkerConfig(cores=slots))
    client = cluster.client()
    job = Job(work)
    outputs = []
    for k, argv in enumerate(tasks):
        out = os.path.join(work, "%d.out" % k)
        job.program(argv, stdout=out, stderr=os.path.join(work, "%d.err" % k))
        outputs.append(out)
    submitted = client.submit(job)
    client.wait_for_jobs([submitted])
store = ResultStore(db)
for out in outputs:
    with open(out) as f:
        store.add(f.read())
store.close()
