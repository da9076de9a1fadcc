"""mpi4py.futures contender: rank 0 maps the tasks over an MPIPoolExecutor
whose workers run each argv with subprocess and return its stdout; rank 0
stores every result in SQLite. Run as
  mpirun -n S+1 python -m mpi4py.futures peers_mpi4py.py TASKS.jsonl DB"""
import json
import subprocess
import sys

from mpi4py.futures import MPIPoolExecutor

from peers_store import ResultStore


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, check=True, text=True).stdout


if __name__ == "__main__":
    tasks = [json.loads(line) for line in open(sys.argv[1])]
    store = ResultStore(sys.argv[2])
    with MPIPoolExecutor() as pool:
        for stdout in pool.map(run, tasks, chunksize=1, unordered=True):
            store.add(stdout)
    store.close()
