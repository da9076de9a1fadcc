# A NumPy job for bench/threads.sh: matrix products (OpenBLAS, as numpy's wheels ship it),
# then how many threads the process has and how long the products took.
import json, os, sys, time
import numpy as np

size, rounds = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(int(sys.argv[3]))
a = rng.standard_normal((size, size))
start = time.perf_counter()
for _ in range(rounds):
    a = a @ a
    a /= np.abs(a).max()
seconds = time.perf_counter() - start
print(json.dumps({"threads": len(os.listdir("/proc/self/task")), "seconds": seconds, "checksum": float(a.sum())}))
