#!/usr/bin/python3
"""The bundled examples/spirals.csv, trained as a user of the CLI's defaults would: MLP 128-128, SGD with
momentum 0.9, batch 64, standardised features; CyclicLR (two cycles, base_lr = max_lr / 4) at each max_lr
given, against the best of a fixed-lr grid (1e-4 .. 10^0.5, half a decade apart). Each seed draws its own
80/20 split, initialisation and batch order. Ratios: final loss / the grid's best (train / val).

Its range test never shows a fall (the model barely learns in 200 steps), so `clr suggest` reads the
flat-curve rule there; this checks what that rule's margin gives on a dataset the quality bench does not hold.

    /usr/bin/python3 bench/suggestion-quality/example_spirals.py [--steps 600] [--seeds 8] [--max-lrs 0.14,0.28]
"""

import argparse
import csv
import importlib.util
import os
import statistics

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("quality_run", os.path.join(HERE, "run.py"))
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

CSV = os.path.join(HERE, "..", "..", "examples", "spirals.csv")
FEATURES = ("x1", "x2", "noise1", "noise2")
GRID = [10 ** (-4 + i * 0.5) for i in range(10)]


def load():
    with open(CSV) as f:
        rows = list(csv.DictReader(f))
    x = torch.tensor([[float(r[k]) for k in FEATURES] for r in rows])
    classes = sorted({r["label"] for r in rows})
    y = torch.tensor([classes.index(r["label"]) for r in rows])
    return (x - x.mean(0)) / x.std(0), y, len(classes)


def case(x, y, classes, seed):
    """This seed's 80/20 split, as run.py's data tuple, and the model with its initial weights."""
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    cut = int(0.8 * len(x))
    tr, va = perm[:cut], perm[cut:]
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, classes))
    init = {k: v.clone() for k, v in model.state_dict().items()}
    return (x[tr], y[tr], x[va], y[va]), model, init


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--max-lrs", default="0.14,0.28", help="CyclicLR max_lr values to compare")
    args = parser.parse_args()
    torch.set_num_threads(1)
    x, y, classes = load()
    max_lrs = [float(v) for v in args.max_lrs.split(",")]
    ratios = {m: [] for m in max_lrs}
    for seed in range(args.seeds):
        data, model, init = case(x, y, classes, seed)
        # run.py's training loop: the same batches (seeded by `seed`) for every schedule.
        grid = [run.train(model, init, data, "classification", args.steps, seed, ("fixed", lr)) for lr in GRID]
        best = [min(r[i] for r in grid) for i in (0, 1)]
        cells = []
        for m in max_lrs:
            t, v = run.train(model, init, data, "classification", args.steps, seed, ("clr", m / 4, m))
            ratios[m].append((t / best[0], v / best[1]))
            cells.append(f"max_lr {m:g}: {t / best[0]:.2f} / {v / best[1]:.2f}")
        print(f"seed {seed}: grid best {best[0]:.3f} / {best[1]:.3f}; " + ", ".join(cells), flush=True)
    for m, rs in ratios.items():
        med = [statistics.median(r[i] for r in rs) for i in (0, 1)]
        within = [sum(r[i] <= 1.05 for r in rs) for i in (0, 1)]
        print(f"max_lr {m:g}: median {med[0]:.2f} / {med[1]:.2f}, within 5% {within[0]} / {within[1]} of {len(rs)}")


if __name__ == "__main__":
    main()
