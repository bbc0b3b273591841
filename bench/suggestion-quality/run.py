#!/usr/bin/python3
"""Suggestion-quality benchmark: do the learning rates `clr suggest` proposes train as well as the best of a
12-point grid of fixed learning rates?

For each synthetic dataset (made here, deterministically): run an LR range test (exponential sweep, the
product's defaults), hand the curve to the real CLI (`node dist/cli.js suggest --json`, so our TypeScript
rules are what is measured), then train the same model from the same initialisation, on the same batch
order, for a fixed budget with:
  - CyclicLR triangular on our CLR bounds (two full cycles, so it ends at base_lr), and OneCycleLR on our
    1cycle max_lr;
  - each other finder's rule (steepest, minimum/10, valley, slide) as a fixed learning rate, which is how
    torch-lr-finder and Lightning hand their suggestion over (and fastai's `fit(lr)`); and, so that the
    schedule is not mistaken for the rule, the same rules as CyclicLR max_lr with base_lr = max_lr / 4;
  - 12 fixed learning rates log-spaced over the tested range; the best of them (per metric) is the reference.
Ratios are final loss / grid's best (training loss over the whole training set, validation loss over a
held-out set of the same distribution): 1.00 = as good as the best fixed lr, < 1 = better.

Run from the repository root after `npm run build`:
    /usr/bin/python3 bench/suggestion-quality/run.py [--quick] [--seeds 3] [--first-seed 0] [--holdout]
        [--datasets a,b] [--sweep-iterations 300] [--json out.json]
Needs PyTorch (Debian: apt-get install python3-torch). Single-threaded torch; 3 seeds take about 3 CPU-minutes.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit("error: PyTorch is not installed for this interpreter: apt-get install python3-torch, or pip install torch")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "dist", "cli.js")
sys.path.insert(0, os.path.join(ROOT, "python"))
from cyclical_lr import RangeTest  # noqa: E402  (our package, from this checkout: what --package records with)

# This bench's own range test: the product's defaults when it was written (README.md, Method, says how they differ).
START_LR, END_LR, RT_ITERS, BETA, DIVERGE = 1e-7, 10.0, 300, 0.98, 4.0
BATCH, MOMENTUM = 64, 0.9
GRID_POINTS = 12


# ---------------------------------------------------------------------------------------------- datasets

def _split(x, y, n_train):
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def _flip_labels(y, classes, rate, g):
    flip = torch.rand(len(y), generator=g) < rate
    return torch.where(flip, torch.randint(0, classes, (len(y),), generator=g), y)


def blobs(g):
    """Tabular classification, easy: 3 Gaussian blobs in 10-D, 5% label noise."""
    n, d, k = 3000, 10, 3
    centres = torch.randn(k, d, generator=g) * 1.5
    y = torch.randint(0, k, (n,), generator=g)
    x = centres[y] + torch.randn(n, d, generator=g)
    y = _flip_labels(y, k, 0.05, g)
    return _split(x, y, 2000), "classification", k


def spirals(g):
    """Tabular classification, hard: 3 interleaved spirals in 2-D plus 8 noise features, 5% label noise."""
    n, k = 3000, 3
    y = torch.randint(0, k, (n,), generator=g)
    t = torch.rand(n, generator=g) * 3.0 + 0.3
    angle = t * 2.2 + y.float() * (2 * math.pi / k)
    xy = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1) + torch.randn(n, 2, generator=g) * 0.12
    x = torch.cat([xy, torch.randn(n, 8, generator=g)], 1)
    y = _flip_labels(y, k, 0.05, g)
    return _split(x, y, 2000), "classification", k


def linear_regression(g):
    """Regression, easy: linear target, Gaussian noise (R² ≈ 0.9), standardised features."""
    n, d = 3000, 8
    x = torch.randn(n, d, generator=g)
    w = torch.randn(d, 1, generator=g) / math.sqrt(d)
    y = x @ w + torch.randn(n, 1, generator=g) * 0.33
    return _split(x, y, 2000), "regression", 1


def friedman(g):
    """Regression, hard: Friedman #1 (nonlinear, 5 of 10 features matter), unscaled target (mean ≈ 14)."""
    n = 3000
    x = torch.rand(n, 10, generator=g)
    y = (10 * torch.sin(math.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
         + torch.randn(n, generator=g)).unsqueeze(1)
    return _split(x, y, 2000), "regression", 1


def bars(g):
    """Images, easy: 12×12 noisy images of a horizontal, vertical or diagonal bar at a random place."""
    n, size, k = 3000, 12, 4
    y = torch.randint(0, k, (n,), generator=g)
    img = torch.zeros(n, 1, size, size)
    pos = torch.randint(2, size - 2, (n,), generator=g)
    idx = torch.arange(size)
    for i in range(n):
        p, c = int(pos[i]), int(y[i])
        if c == 0:
            img[i, 0, p, :] = 1
        elif c == 1:
            img[i, 0, :, p] = 1
        elif c == 2:
            img[i, 0, idx, idx] = 1
        else:
            img[i, 0, idx, size - 1 - idx] = 1
    img += torch.randn(n, 1, size, size, generator=g) * 0.6
    return _split(img, y, 2000), "classification", k


def gratings(g):
    """Images, hard: 16×16 sinusoidal gratings in 6 orientations 30° apart, random frequency, phase and
    contrast, buried in noise."""
    n, size, k = 3000, 16, 6
    y = torch.randint(0, k, (n,), generator=g)
    theta = y.float() * (math.pi / k) + (torch.rand(n, generator=g) - 0.5) * 0.2
    freq = 0.5 + torch.rand(n, generator=g) * 0.7
    phase = torch.rand(n, generator=g) * 2 * math.pi
    contrast = 0.3 + torch.rand(n, generator=g) * 0.7
    r = torch.arange(size).float() - size / 2
    yy, xx = torch.meshgrid(r, r, indexing="ij")
    proj = torch.cos(theta)[:, None, None] * xx + torch.sin(theta)[:, None, None] * yy
    img = contrast[:, None, None] * torch.sin(freq[:, None, None] * proj + phase[:, None, None])
    img = img.unsqueeze(1) + torch.randn(n, 1, size, size, generator=g) * 1.0
    return _split(img, y, 2000), "classification", k


DATASETS = {
    "blobs (tabular cls, easy)": (blobs, "mlp"),
    "spirals (tabular cls, hard)": (spirals, "mlp2"),
    "linear (regression, easy)": (linear_regression, "mlp"),
    "friedman (regression, hard)": (friedman, "mlp2"),
    "bars (images, easy)": (bars, "cnn"),
    "gratings (images, hard)": (gratings, "cnn"),
}


# Held-out datasets (`--holdout`): made after the rules above were written, to check that a rule tuned while
# looking at the six main datasets carries over to data it was not looked at on.

def circles(g):
    """Tabular classification: 3 concentric noisy rings in 2-D plus 6 noise features, 5% label noise."""
    n, k = 3000, 3
    y = torch.randint(0, k, (n,), generator=g)
    radius = 0.6 + 0.7 * y.float() + torch.randn(n, generator=g) * 0.15
    angle = torch.rand(n, generator=g) * 2 * math.pi
    xy = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], 1)
    x = torch.cat([xy, torch.randn(n, 6, generator=g)], 1)
    y = _flip_labels(y, k, 0.05, g)
    return _split(x, y, 2000), "classification", k


def waves(g):
    """Regression: a smooth nonlinear target of 4 of 6 uniform features (scale ≈ 3), Gaussian noise."""
    n = 3000
    x = torch.rand(n, 6, generator=g) * 2 - 1
    y = (2 * torch.sin(3 * x[:, 0]) * x[:, 1] + 1.5 * torch.cos(2 * x[:, 2]) + x[:, 3] ** 2 * 2
         + torch.randn(n, generator=g) * 0.3).unsqueeze(1)
    return _split(x, y, 2000), "regression", 1


def spots(g):
    """Images: 12×12 noisy images of a Gaussian spot; the class is the quadrant it lies in (4 classes)."""
    n, size, k = 3000, 12, 4
    y = torch.randint(0, k, (n,), generator=g)
    cx = (y % 2).float() * 6 + 1.5 + torch.rand(n, generator=g) * 3
    cy = (y // 2).float() * 6 + 1.5 + torch.rand(n, generator=g) * 3
    r = torch.arange(size).float()
    img = torch.exp(-((r[None, None, :] - cx[:, None, None]) ** 2 + (r[None, :, None] - cy[:, None, None]) ** 2) / 4.0)
    img = img.unsqueeze(1) + torch.randn(n, 1, size, size, generator=g) * 0.7
    return _split(img, y, 2000), "classification", k


HOLDOUT = {
    "circles (tabular cls, held out)": (circles, "mlp2"),
    "waves (regression, held out)": (waves, "mlp"),
    "spots (images, held out)": (spots, "cnn"),
}


def make_model(kind, inputs, outputs):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(inputs, 32), nn.ReLU(), nn.Linear(32, outputs))
    if kind == "mlp2":
        return nn.Sequential(nn.Linear(inputs, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, outputs))
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, outputs))


# ---------------------------------------------------------------------------------------------- training

def loss_fn(task):
    return F.cross_entropy if task == "classification" else F.mse_loss


def batches(n, steps, seed):
    """The same batch order for every run of a dataset (epochs reshuffled from one seeded generator)."""
    g = torch.Generator().manual_seed(seed)
    order = []
    while len(order) < steps:
        perm = torch.randperm(n, generator=g)
        order.extend(perm[i:i + BATCH] for i in range(0, n - BATCH + 1, BATCH))
    return order[:steps]


def range_test(model, init, data, task, seed, iterations=RT_ITERS):
    xtr, ytr = data[0], data[1]
    model.load_state_dict(init)
    opt = torch.optim.SGD(model.parameters(), lr=START_LR, momentum=MOMENTUM)
    lf = loss_fn(task)
    lrs, losses = [], []
    avg, best, stop = 0.0, math.inf, "completed"
    for step, idx in enumerate(batches(len(xtr), iterations, seed)):
        lr = START_LR * (END_LR / START_LR) ** (step / (iterations - 1))
        for group in opt.param_groups:
            group["lr"] = lr
        loss = lf(model(xtr[idx]), ytr[idx])
        value = loss.item()
        lrs.append(lr)
        losses.append(value)
        if not math.isfinite(value):
            stop = "non-finite"
            break
        avg = BETA * avg + (1 - BETA) * value
        smoothed = avg / (1 - BETA ** (step + 1))
        if step > 0 and smoothed > DIVERGE * best:
            stop = "diverged"
            break
        best = min(best, smoothed)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return lrs, losses, stop


def package_range_test(model, init, data, task, seed, iterations=None):
    """The same loop with our Python package's `RangeTest` and its defaults, as a PyTorch user calls it:
    its sweep, its divergence stop, its curve. Returns the curve, the stop and the package's own suggestion."""
    xtr, ytr = data[0], data[1]
    model.load_state_dict(init)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=MOMENTUM)
    lf = loss_fn(task)
    options = {"iterations": iterations} if iterations else {}
    with RangeTest(opt, model=model, write=False, **options) as rt:
        # More batches than any sweep takes: the package, not this loop, decides when the test is over.
        for idx in batches(len(xtr), iterations or 10_000, seed):
            loss = lf(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if rt.step(loss):
                break
    return rt.lrs, rt.losses, rt.stop_reason, rt.suggestion


def suggest_via_cli(lrs, losses, stop):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"lrs": lrs, "losses": [v if math.isfinite(v) else None for v in losses],
                   "stopReason": stop, "config": {"smoothing": BETA}}, f)
        path = f.name
    try:
        out = subprocess.run(["node", CLI, "suggest", path, "--json"], capture_output=True, text=True, check=False)
    finally:
        os.unlink(path)
    if out.returncode != 0:
        raise RuntimeError(f"clr suggest failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


def evaluate(model, x, y, task):
    with torch.no_grad():
        value = loss_fn(task)(model(x), y).item()
    return value if math.isfinite(value) else math.inf


def train(model, init, data, task, steps, seed, schedule):
    """schedule: ('fixed', lr) | ('clr', base, max) | ('onecycle', max)."""
    xtr, ytr, xva, yva = data
    model.load_state_dict(init)
    first_lr = schedule[1]
    opt = torch.optim.SGD(model.parameters(), lr=first_lr, momentum=MOMENTUM)
    sched = None
    if schedule[0] == "clr":
        # Two full cycles in the budget, so training ends at base_lr as a CLR run does.
        sched = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=schedule[1], max_lr=schedule[2],
                                                  step_size_up=max(1, steps // 4), mode="triangular",
                                                  cycle_momentum=False)
    elif schedule[0] == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=schedule[1], total_steps=steps, cycle_momentum=False)
    lf = loss_fn(task)
    for idx in batches(len(xtr), steps, seed):
        loss = lf(model(xtr[idx]), ytr[idx])
        if not torch.isfinite(loss):
            return math.inf, math.inf
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
    return evaluate(model, xtr, ytr, task), evaluate(model, xva, yva, task)


# ---------------------------------------------------------------------------------------------- report

RULES = ["CLR (ours)", "1cycle (ours)", "steepest", "minimum", "valley", "slide",
         "steepest→CLR", "minimum→CLR", "valley→CLR", "slide→CLR"]


def fmt_ratio(r):
    return "div" if not math.isfinite(r) else f"{r:.2f}"


def fmt_lr(v):
    return "—" if v is None else f"{v:.2g}"


ENGINE_HIDDEN = {"mlp": "32", "mlp2": "64,64"}


def engine_result(xtr, ytr, kind, seed, raw=False):
    """The zero-code path: our own engine's range test (`clr range-test` with its defaults, the same model
    shape and batch) on the training table, as a user would run it before training in PyTorch; with
    raw=True, `--raw` (the engine trains on the values as the file holds them)."""
    with tempfile.TemporaryDirectory() as d:
        csv, out = os.path.join(d, "train.csv"), os.path.join(d, "result.json")
        with open(csv, "w") as f:
            f.write(",".join([f"x{i}" for i in range(xtr.shape[1])] + ["target"]) + "\n")
            for xi, yi in zip(xtr.tolist(), ytr.view(len(ytr), -1).tolist()):
                f.write(",".join(f"{v:.6g}" for v in xi + yi) + "\n")
        cmd = ["node", CLI, "range-test", csv, "--target", "target", "--hidden", ENGINE_HIDDEN[kind],
               "--batch-size", str(BATCH), "--seed", str(seed % 100000), "--json", out] + (["--raw"] if raw else [])
        run = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise RuntimeError(f"clr range-test failed ({run.returncode}): {run.stderr.strip()}")
        with open(out) as f:
            return json.load(f)


def engine_suggestion(xtr, ytr, kind, seed):
    return engine_result(xtr, ytr, kind, seed)["suggestion"]


def apply_preprocessing(p, data, task):
    """The scaling the engine's result says its bounds assume (`preprocessing` in its JSON), applied to the
    training and validation sets exactly as stated, as a user following it would."""
    xtr, ytr, xva, yva = data
    if p["features"] == "none":
        return data
    mean, std = torch.tensor(p["mean"]), torch.tensor(p["std"])
    xtr, xva = (xtr - mean) / std, (xva - mean) / std
    if task == "regression" and "target" in p:
        m, sd = p["target"]["mean"], p["target"]["std"]
        ytr, yva = (ytr - m) / sd, (yva - m) / sd
    return xtr, ytr, xva, yva


def grid_lrs():
    return [10 ** (math.log10(START_LR) + i * (math.log10(END_LR) - math.log10(START_LR)) / (GRID_POINTS - 1))
            for i in range(GRID_POINTS)]


def grid_best(model, init, data, task, steps, seed):
    grid = [train(model, init, data, task, steps, seed, ("fixed", lr)) for lr in grid_lrs()]
    return grid, min(t for t, _ in grid), min(v for _, v in grid)


def run_dataset(name, make, kind, steps, seed, zero_code=False, sweep_iterations=None, package=False):
    g = torch.Generator().manual_seed(seed)
    (xtr, ytr, xva, yva), task, outputs = make(g)
    data = (xtr, ytr, xva, yva)
    torch.manual_seed(seed)
    model = make_model(kind, xtr.shape[1], outputs)
    init = {k: v.clone() for k, v in model.state_dict().items()}

    package_suggestion = None
    if package:
        lrs, losses, stop, package_suggestion = package_range_test(model, init, data, task, seed, sweep_iterations)
    else:
        lrs, losses, stop = range_test(model, init, data, task, seed, sweep_iterations or RT_ITERS)
    s = suggest_via_cli(lrs, losses, stop)

    runs = {}
    zero = zero_code and kind in ENGINE_HIDDEN
    engine = engine_result(xtr, ytr, kind, seed) if zero else None
    engine_raw = engine_result(xtr, ytr, kind, seed, raw=True) if zero else None
    scaled_ratios = None
    if engine is not None:
        # As the user who follows the result's `scaling:` note: the data scaled as stated, judged against the
        # fixed-lr grid on that same scaled data.
        scaled = apply_preprocessing(engine["preprocessing"], data, task)
        es = engine["suggestion"]["clr"]
        zt, zv = train(model, init, scaled, task, steps, seed, ("clr", es["baseLr"], es["maxLr"]))
        _, sbt, sbv = grid_best(model, init, scaled, task, steps, seed)
        scaled_ratios = {"train": zt / sbt, "val": zv / sbv}
        er = engine_raw["suggestion"]["clr"]
        runs["CLR (zero-code --raw)"] = train(model, init, data, task, steps, seed, ("clr", er["baseLr"], er["maxLr"]))
        # The unscaled training with the default (scaled) bounds: what ignoring the note costs.
        runs["CLR (zero-code, note ignored)"] = train(model, init, data, task, steps, seed, ("clr", es["baseLr"], es["maxLr"]))
    base, top = s["clr"]["baseLr"], s["clr"]["maxLr"]
    runs["CLR (ours)"] = train(model, init, data, task, steps, seed, ("clr", base, top))
    runs["1cycle (ours)"] = train(model, init, data, task, steps, seed, ("onecycle", s["oneCycle"]["maxLr"]))
    for rule in ["steepest", "minimum", "valley", "slide"]:
        lr = s[rule]
        runs[rule] = train(model, init, data, task, steps, seed, ("fixed", lr)) if lr else (math.inf, math.inf)
        runs[rule + "→CLR"] = train(model, init, data, task, steps, seed, ("clr", lr / 4, lr)) if lr else (math.inf, math.inf)
    lrs_grid = grid_lrs()
    grid, best_train, best_val = grid_best(model, init, data, task, steps, seed)
    ratios = {r: {"train": runs[r][0] / best_train, "val": runs[r][1] / best_val} for r in runs}
    if scaled_ratios is not None:
        ratios["CLR (zero-code)"] = scaled_ratios
    return {
        "dataset": name, "task": task, "steps": steps, "rangeTest": {"points": len(lrs), "stop": stop},
        "suggestion": s,
        "packageSuggestion": package_suggestion.to_json() if package_suggestion else None,
        "grid": [{"lr": lr, "train": t, "val": v} for lr, (t, v) in zip(lrs_grid, grid)],
        "gridBest": {"train": best_train, "val": best_val,
                     "trainLr": lrs_grid[min(range(GRID_POINTS), key=lambda i: grid[i][0])],
                     "valLr": lrs_grid[min(range(GRID_POINTS), key=lambda i: grid[i][1])]},
        "ratios": ratios,
        "engineSuggestion": engine["suggestion"] if engine else None,
        "engineRawSuggestion": engine_raw["suggestion"] if engine_raw else None,
    }


def median(values):
    v = sorted(values)
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


def report(by_dataset, seconds, seeds):
    """by_dataset: {name: [result per seed]}. Ratios are medians over the seeds."""
    lines = []
    lines.append("Suggestions on seed 0's range test (lr):")
    lines.append("")
    lines.append("| dataset | points (stop) | conf. | CLR base..max | 1cycle max | steepest | minimum | valley | slide | grid best lr (train / val) |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for name, runs in by_dataset.items():
        r = runs[0]
        s = r["suggestion"]
        lines.append(f"| {name} | {r['rangeTest']['points']} ({r['rangeTest']['stop']}) | {s['confidence']:.2f} "
                     f"| {fmt_lr(s['clr']['baseLr'])}..{fmt_lr(s['clr']['maxLr'])} | {fmt_lr(s['oneCycle']['maxLr'])} "
                     f"| {fmt_lr(s['steepest'])} | {fmt_lr(s['minimum'])} | {fmt_lr(s['valley'])} | {fmt_lr(s['slide'])} "
                     f"| {fmt_lr(r['gridBest']['trainLr'])} / {fmt_lr(r['gridBest']['valLr'])} |")
    lines.append("")
    lines.append(f"Final loss / best of the 12-point fixed-lr grid, train / val, median over {seeds} seed(s) "
                 "(1.00 = as good as the best fixed lr; lower is better; `div` = diverged):")
    lines.append("")
    lines.append("| dataset | " + " | ".join(RULES) + " |")
    lines.append("|---|" + "---|" * len(RULES))
    med = {name: {rule: {m: median([r["ratios"][rule][m] for r in runs]) for m in ("train", "val")} for rule in RULES}
           for name, runs in by_dataset.items()}
    for name in by_dataset:
        cells = [f"{fmt_ratio(med[name][rule]['train'])} / {fmt_ratio(med[name][rule]['val'])}" for rule in RULES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    n = len(by_dataset)
    within = {m: sum(med[d]["CLR (ours)"][m] <= 1.05 for d in med) for m in ("train", "val")}
    all_runs = [r for runs in by_dataset.values() for r in runs]
    within_runs = {m: sum(r["ratios"]["CLR (ours)"][m] <= 1.05 for r in all_runs) for m in ("train", "val")}
    lines.append("")
    lines.append(f"CLR (ours) within 5% of the grid's best (median over seeds): train {within['train']}/{n}, val {within['val']}/{n} "
                 f"datasets (target ≥ 80%: {'met' if min(within.values()) >= 0.8 * n else 'NOT met'}); "
                 f"single runs: train {within_runs['train']}/{len(all_runs)}, val {within_runs['val']}/{len(all_runs)}.")
    for label, keep in (("confidence ≥ 0.7", lambda c: c >= 0.7), ("confidence < 0.7", lambda c: c < 0.7)):
        group = [r for r in all_runs if keep(r["suggestion"]["confidence"])]
        ok = {m: sum(r["ratios"]["CLR (ours)"][m] <= 1.05 for r in group) for m in ("train", "val")}
        lines.append(f"CLR (ours) single runs with {label}: {len(group)}; within 5% of the grid's best: "
                     f"train {ok['train']}/{len(group)}, val {ok['val']}/{len(group)}.")
    from_package = [r for r in all_runs if r.get("packageSuggestion")]
    if from_package:
        same = sum(all(math.isclose(r["suggestion"]["clr"][k], r["packageSuggestion"]["clr"][k], rel_tol=1e-9)
                       for k in ("baseLr", "maxLr"))
                   and r["suggestion"]["confidence"] == r["packageSuggestion"]["confidence"] for r in from_package)
        lines.append(f"RangeTest.suggestion (Python) equals `clr suggest` on the same curve: {same}/{len(from_package)}.")
    zero = [r for r in all_runs if r.get("engineSuggestion")]
    if zero:
        lines.append("")
        lines.append("Zero-code path (our engine's range test with the CLI defaults → our bounds → CyclicLR in PyTorch), single runs. "
                     "zero-code: the data scaled as the result's `preprocessing` states, against the grid on that scaled data; "
                     "--raw: `clr range-test --raw` and unscaled training; note ignored: the default bounds on unscaled data.")
        lines.append("")
        lines.append("| dataset | engine base..max (conf.) | --raw base..max (conf.) | torch-curve base..max | zero-code train / val | --raw train / val | note ignored train / val | torch-curve CLR train / val |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for r in zero:
            e, w, t = r["engineSuggestion"], r["engineRawSuggestion"], r["suggestion"]
            cells = [r["ratios"][k] for k in ("CLR (zero-code)", "CLR (zero-code --raw)", "CLR (zero-code, note ignored)", "CLR (ours)")]
            lines.append(f"| {r['dataset'].split(' ')[0]} | {fmt_lr(e['clr']['baseLr'])}..{fmt_lr(e['clr']['maxLr'])} ({e['confidence']:.2f}) | "
                         f"{fmt_lr(w['clr']['baseLr'])}..{fmt_lr(w['clr']['maxLr'])} ({w['confidence']:.2f}) | "
                         f"{fmt_lr(t['clr']['baseLr'])}..{fmt_lr(t['clr']['maxLr'])} | "
                         + " | ".join(f"{fmt_ratio(c['train'])} / {fmt_ratio(c['val'])}" for c in cells) + " |")
        lines.append("")
        for k in ("CLR (zero-code)", "CLR (zero-code --raw)", "CLR (zero-code, note ignored)", "CLR (ours)"):
            ok = {m: sum(r["ratios"][k][m] <= 1.05 for r in zero) for m in ("train", "val")}
            lines.append(f"{k} within 5% of the grid's best: train {ok['train']}/{len(zero)}, val {ok['val']}/{len(zero)}.")
        for label, keep in (("confidence ≥ 0.7", lambda c: c >= 0.7), ("confidence < 0.7", lambda c: c < 0.7)):
            group = [r for r in zero if keep(r["engineSuggestion"]["confidence"])]
            ok = {m: sum(r["ratios"]["CLR (zero-code)"][m] <= 1.05 for r in group) for m in ("train", "val")}
            lines.append(f"Zero-code runs with engine {label}: {len(group)}; within 5%: train {ok['train']}/{len(group)}, val {ok['val']}/{len(group)}.")
        lines.append("")
    for rival in ["valley", "steepest", "minimum", "slide"]:
        wins = {m: sum(med[d]["CLR (ours)"][m] <= med[d][rival][m] for d in med) for m in ("train", "val")}
        lines.append(f"CLR (ours) at least as good as fixed-lr {rival}: train {wins['train']}/{n}, val {wins['val']}/{n} datasets.")
    lines.append(f"\n{n} datasets × {seeds} seed(s) in {seconds:.0f} s (torch {torch.__version__}, 1 thread).")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a quarter of the training budget (smoke test)")
    parser.add_argument("--datasets", help="comma-separated name prefixes to run (default: all)")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per dataset (data sample, init, batch order)")
    parser.add_argument("--first-seed", type=int, default=0, help="first seed (held-out seeds: e.g. --first-seed 3)")
    parser.add_argument("--holdout", action="store_true", help="run the held-out datasets instead of the main six")
    parser.add_argument("--zero-code", action="store_true",
                        help="also the zero-code path on the tabular datasets: our engine's range test → our bounds → CyclicLR in PyTorch")
    parser.add_argument("--sweep-iterations", type=int,
                        help=f"steps of the PyTorch range test (default {RT_ITERS}, or the package's with --package); "
                             "what a user who follows the 'more iterations' diagnostic reruns with")
    parser.add_argument("--package", action="store_true",
                        help="record the range test with our Python package's RangeTest and its defaults "
                             "(python/cyclical_lr) instead of this bench's loop (1e-7 → 10 over 300 steps, EMA 0.98)")
    args = parser.parse_args()
    if not os.path.exists(CLI):
        sys.exit(f"error: {CLI} not found: run `npm run build` first")
    torch.set_num_threads(1)
    steps = 150 if args.quick else 600
    pool = HOLDOUT if args.holdout else DATASETS
    # A dataset's seeds depend on its place in the full list, not in the selection, so that --datasets reruns
    # reproduce the full run's numbers.
    offset = len(DATASETS) if args.holdout else 0
    chosen = [(offset + i, n, v) for i, (n, v) in enumerate(pool.items())
              if not args.datasets or any(n.startswith(p) for p in args.datasets.split(","))]
    start = time.time()
    by_dataset = {}
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    for i, name, (make, kind) in chosen:
        t0 = time.time()
        by_dataset[name] = [run_dataset(name, make, kind, steps, 1000 * seed + i, args.zero_code, args.sweep_iterations,
                                           args.package)
                            for seed in seeds]
        print(f"  {name}: {time.time() - t0:.0f} s", file=sys.stderr)
    print(report(by_dataset, time.time() - start, args.seeds))
    print(f"Seeds {seeds.start}..{seeds.stop - 1}{'; held-out datasets' if args.holdout else ''}; "
          f"range tests: {'cyclical_lr.RangeTest' if args.package else 'the bench loop'}, "
          f"{args.sweep_iterations or ('its default' if args.package else RT_ITERS)} steps.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(by_dataset, f, indent=1)


if __name__ == "__main__":
    main()
