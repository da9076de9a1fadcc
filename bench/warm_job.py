"""bench/warm.sh's job: a seeded scikit-learn MLPRegressor fit, as a researcher's training run.

2,000 samples of a smooth 8-feature function, two hidden layers, `--iters` epochs of Adam.
Prints one JSON object: the final training loss and the held-out R^2 (both depend only on
the arguments, so a cold and a preloaded run store byte-identical rows).
"""
import argparse
import json
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

parser = argparse.ArgumentParser()
parser.add_argument("--hidden", type=int, default=32)
parser.add_argument("--iters", type=int, default=50)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
x = rng.uniform(-1, 1, size=(2000, 8))
y = np.sin(3 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2 + 0.1 * rng.normal(size=2000)
model = MLPRegressor(hidden_layer_sizes=(args.hidden, args.hidden), max_iter=args.iters, random_state=args.seed)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(x[:1500], y[:1500])
print(json.dumps({"loss": round(float(model.loss_), 12), "r2": round(float(model.score(x[1500:], y[1500:])), 12)}))
