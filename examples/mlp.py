#!/usr/bin/env python3
"""A stand-in for the seed's mlp.py: takes the same flags, "trains" for a few
milliseconds and prints one JSON object, the shape dbtool and farmrun store."""
import argparse
import json
import math
import os
import random
import time

p = argparse.ArgumentParser()
p.add_argument("-u", "--units", type=int, default=10)
p.add_argument("-a", "--activation", default="relu")
p.add_argument("-e", "--epochs", type=int, default=25)
p.add_argument("-s", "--sample-window", type=int, default=10)
p.add_argument("-t", "--training-window", type=int, default=20)
p.add_argument("-i", "--dataset", default="no_data")
args = p.parse_args()

seed = int(os.environ.get("FARM_SEED", "0")) or hash((args.units, args.activation, args.epochs)) & 0xFFFF
rng = random.Random(seed)
time.sleep(0.002 * args.epochs / 25)
rmse = 1.0 / math.sqrt(args.epochs) + 0.01 * args.sample_window / args.training_window + rng.gauss(0, 0.01)
print(json.dumps({
    "author": "farm-example",
    "algorithm": "window_mlp",
    "activation": args.activation,
    "dataset": args.dataset,
    "forecast_length": 1,
    "prediction_gap": 1,
    "training_window_length": args.training_window,
    "sample_window_length": args.sample_window,
    "epochs": args.epochs,
    "layers": f"{args.units}",
    "rmse_global": round(rmse, 6),
}))
