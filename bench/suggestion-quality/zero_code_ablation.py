#!/usr/bin/python3
"""Which difference between our engine's range test and a PyTorch one moves the bounds?

For each tabular dataset of run.py and each seed, the PyTorch range test is run under variants that
move it one step at a time towards what our engine does, each curve read by the real CLI (`clr suggest`),
and the max_lr of each variant is printed next to the engine's own (`clr range-test`, its defaults):

  raw           the bench's PyTorch range test: raw table, PyTorch's default init, 1e-7 → 10, 300 steps
  +x std        features standardised as the engine does (training rows' mean and population std)
  +y std        and, for regression, the target too
  +glorot       and the engine's initialisation (Glorot uniform weights, zero biases)
  +sweep        and the engine's sweep (1e-6 → 10, its automatic length), still one run
  engine        `clr range-test` with its defaults (5 runs, bagged)

Run from the repository root after `npm run build`:
    /usr/bin/python3 bench/suggestion-quality/zero_code_ablation.py [--seeds 2] [--first-seed 3] [--datasets a,b]
"""

import argparse
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the benchmark's datasets, models, range test and CLI reader)


def standardise(x, ref):
    """The engine's encoding (src/data/tabular.ts): (v − mean) / population std of the training rows."""
    mean = ref.mean(0, keepdim=True)
    std = ref.std(0, unbiased=False, keepdim=True)
    std = torch.where(std > 1e-12, std, torch.ones_like(std))
    return (x - mean) / std


def glorot(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def engine_sweep_length(rows):
    """src/engine/sweep.ts sweepBudget at batch 64: 20 epochs within 100..200 steps."""
    per_epoch = math.ceil(rows / bench.BATCH)
    return max(100, min(200, 20 * per_epoch))


def torch_range_test(model, init, data, task, seed, start, end, iters):
    saved = bench.START_LR, bench.END_LR, bench.RT_ITERS
    bench.START_LR, bench.END_LR, bench.RT_ITERS = start, end, iters
    try:
        return bench.suggest_via_cli(*bench.range_test(model, init, data, task, seed))
    finally:
        bench.START_LR, bench.END_LR, bench.RT_ITERS = saved


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=3)
    parser.add_argument("--datasets", help="comma-separated name prefixes (default: the tabular ones)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    pools = [(0, bench.DATASETS), (len(bench.DATASETS), bench.HOLDOUT)]
    chosen = [(offset + i, name, make, kind) for offset, pool in pools for i, (name, (make, kind)) in enumerate(pool.items())
              if kind in bench.ENGINE_HIDDEN and (not args.datasets or any(name.startswith(p) for p in args.datasets.split(",")))]
    print("| dataset | seed | raw | +x std | +y std | +glorot | +sweep | engine | engine / +sweep |")
    print("|---|---|---|---|---|---|---|---|---|")
    for i, name, make, kind in chosen:
        for s in range(args.first_seed, args.first_seed + args.seeds):
            seed = 1000 * s + i
            g = torch.Generator().manual_seed(seed)
            (xtr, ytr, xva, yva), task, outputs = make(g)
            torch.manual_seed(seed)
            model = bench.make_model(kind, xtr.shape[1], outputs)
            init = {k: v.clone() for k, v in model.state_dict().items()}
            cells = []
            raw = (xtr, ytr, xva, yva)
            cells.append(torch_range_test(model, init, raw, task, seed, 1e-7, 10.0, 300))
            xs = (standardise(xtr, xtr), ytr, standardise(xva, xtr), yva)
            cells.append(torch_range_test(model, init, xs, task, seed, 1e-7, 10.0, 300))
            xys = xs if task != "regression" else (xs[0], standardise(ytr, ytr), xs[2], standardise(yva, ytr))
            cells.append(torch_range_test(model, init, xys, task, seed, 1e-7, 10.0, 300))
            torch.manual_seed(seed)
            glorot(model)
            ginit = {k: v.clone() for k, v in model.state_dict().items()}
            cells.append(torch_range_test(model, init=ginit, data=xys, task=task, seed=seed, start=1e-7, end=10.0, iters=300))
            cells.append(torch_range_test(model, ginit, xys, task, seed, 1e-6, 10.0, engine_sweep_length(len(xtr))))
            engine = bench.engine_suggestion(xtr, ytr, kind, seed)
            cells.append(engine)
            m = [c["clr"]["maxLr"] for c in cells]
            print(f"| {name.split(' ')[0]} | {s} | " + " | ".join(f"{v:.2g}" for v in m) + f" | {m[5] / m[4]:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
