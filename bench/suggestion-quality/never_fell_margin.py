#!/usr/bin/python3
"""How far below the divergence should max_lr sit when the loss never fell? Retrains the "never fell before it
diverged" cases of `run.py --json` outputs with CyclicLR at divergence / margin for each margin asked, and
reports how many land within 5% of that case's fixed-lr grid best (which the JSON holds).

The divergence is recovered from the suggestion (max_lr × the margin the file was made with), so a margin
equal to that one reproduces the file's own ratios: a check that the data, model and batches are the same.

    /usr/bin/python3 bench/suggestion-quality/run.py --seeds 12 --json main.json
    /usr/bin/python3 bench/suggestion-quality/never_fell_margin.py main.json [--first-seed 0] [--made-with 5]
        [--margins 10,6,5,4]
"""

import argparse
import importlib.util
import json
import os
import statistics

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("quality_run", os.path.join(HERE, "run.py"))
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

NAMES = list(run.DATASETS) + list(run.HOLDOUT)
MAKERS = {**run.DATASETS, **run.HOLDOUT}


def never_fell_cases(path, first_seed):
    with open(path) as f:
        by_dataset = json.load(f)
    for name, rows in by_dataset.items():
        for seed, row in enumerate(rows, first_seed):
            if any("never fell before it diverged" in d for d in row["suggestion"]["diagnostics"]):
                yield name, seed, row


def retrain(name, seed, row, divergence, margin):
    make, kind = MAKERS[name]
    case_seed = 1000 * seed + NAMES.index(name)  # as run.py seeds a dataset
    g = torch.Generator().manual_seed(case_seed)
    data, task, outputs = make(g)
    torch.manual_seed(case_seed)
    model = run.make_model(kind, data[0].shape[1], outputs)
    init = {k: v.clone() for k, v in model.state_dict().items()}
    max_lr = divergence / margin
    # base_lr = max_lr / 4, as the rule sets it when the loss never fell.
    train, val = run.train(model, init, data, task, row["steps"], case_seed, ("clr", max_lr / 4, max_lr))
    return train / row["gridBest"]["train"], val / row["gridBest"]["val"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", help="run.py --json outputs")
    parser.add_argument("--first-seed", type=int, default=0, help="the --first-seed the files were made with")
    parser.add_argument("--made-with", type=float, default=5, help="the margin of the build that made the files")
    parser.add_argument("--margins", default="10,6,5,4")
    args = parser.parse_args()
    torch.set_num_threads(1)
    margins = [float(m) for m in args.margins.split(",")]
    ratios = {m: [] for m in margins}
    for path in args.files:
        for name, seed, row in never_fell_cases(path, args.first_seed):
            divergence = args.made_with * row["suggestion"]["clr"]["maxLr"]
            cells = []
            for m in margins:
                r = retrain(name, seed, row, divergence, m)
                ratios[m].append(r)
                cells.append(f"{m:g}: {r[0]:.2f} / {r[1]:.2f}")
            print(f"{os.path.basename(path)} {name.split(' ')[0]} seed {seed}, diverged at {divergence:.3g}: " + ", ".join(cells), flush=True)
    print()
    for m, rs in ratios.items():
        if not rs:
            continue
        within = [sum(r[i] <= 1.05 for r in rs) for i in (0, 1)]
        geo = [statistics.geometric_mean(r[i] for r in rs) for i in (0, 1)]
        print(f"margin {m:g}: within 5% of the grid's best {within[0]} / {within[1]} of {len(rs)} (train / val); "
              f"geometric mean ratio {geo[0]:.2f} / {geo[1]:.2f}")


if __name__ == "__main__":
    main()
