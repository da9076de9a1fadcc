#!/usr/bin/env python3
"""A stand-in for a training run, for bench/search.sh and the search tests.

Trains `--epochs` epochs of busy work and prints {"epochs": E, "val_loss": L}
at the end, or with `--every K` a report line every K epochs (fidelity
sweeps). The loss curve is a function of the configuration, the replicate
and the epoch only, so a run to 400 epochs reports at 100 exactly what a run
to 100 prints. Some configurations start slowly and end best. It resumes
from the checkpoint of FARM_RESUME_FROM it kept in FARM_TASK_DIR, and appends one byte per epoch
it trains to SEARCH_EPOCH_LOG, so the bench counts the epochs itself.
"""
import argparse, json, math, os, sys

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, required=True)
p.add_argument("--width", type=float, required=True)
p.add_argument("--epochs", type=int, required=True)
p.add_argument("--every", type=int, default=0)
p.add_argument("--replicate", type=int, default=1)
a = p.parse_args()

# The configuration's curve: where it ends and how fast it gets there.
good = (math.log10(a.lr) + 2.5) ** 2 + (a.width - 0.6) ** 2 * 2      # 0 is the best spot
final = 0.05 + good
tau = 20 + 400 * max(0.0, 0.8 - a.width) * (1 if a.lr < 0.003 else 0.3)  # narrow, slow-rate ones learn slowly
start = 2.5

def loss(epoch):
    noise = math.sin(epoch * 12.9898 + a.replicate * 78.233 + a.lr * 1e4 + a.width * 37.0) * 0.004
    return round(final + (start - final) * math.exp(-epoch / tau) + noise, 6)

work = int(os.environ.get("SEARCH_EPOCH_WORK", "20000"))
folder = os.environ.get("FARM_TASK_DIR")
resume = os.environ.get("FARM_RESUME_FROM")  # the largest budget already stored: go on from its checkpoint
epoch = 0
if folder and resume and os.path.exists(os.path.join(folder, f"checkpoint-{resume}.json")):
    with open(os.path.join(folder, f"checkpoint-{resume}.json")) as f:
        epoch = json.load(f)["epoch"]
log = os.environ.get("SEARCH_EPOCH_LOG")
log_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) if log else None
while epoch < a.epochs:
    x = 0.0
    for i in range(work):  # the epoch's training
        x += i * 1e-9
    epoch += 1
    if log_fd is not None:
        os.write(log_fd, b"e")
    if a.every and epoch % a.every == 0:
        if folder:  # one checkpoint per report, so a rerun can go on from any stored one
            path = os.path.join(folder, f"checkpoint-{epoch}.json")
            with open(path + ".new", "w") as f:
                json.dump({"epoch": epoch}, f)
            os.replace(path + ".new", path)
        print(json.dumps({"epochs": epoch, "val_loss": loss(epoch)}), flush=True)
if not a.every:
    print(json.dumps({"epochs": a.epochs, "val_loss": loss(a.epochs)}))
