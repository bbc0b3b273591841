"""Oracle for src/core/lrFinderRules.ts: the LR finders' recording and suggestion rules, restated in the
libraries' own idioms (torch tensors where fastai and Lightning use them, numpy where torch-lr-finder does),
from reading fastai/callback/schedule.py, torch_lr_finder/lr_finder.py and
lightning/pytorch/tuner/lr_finder.py. The libraries themselves are not installed here; what this checks is
that the TypeScript port agrees with a line-by-line Python transcription, float32 tensors included.

Reads a JSON list of cases {"lrs": [...], "losses": [... numbers or "nan"/"inf"/"-inf"], "iterations": N} on
stdin and prints a JSON list of {"fastai": {...}, "torchLrFinder": {...}, "lightning": {...}} (null where the
library raises or returns None).
"""
import json
import math
import sys

import numpy as np
import torch


def decode(v):
    return float(v) if isinstance(v, str) else v


def raw_losses(case):
    """What the libraries see: NaN after the first non-finite loss, up to the requested iterations."""
    raw = [decode(v) for v in case["losses"]]
    broken = next((i for i, v in enumerate(raw) if not math.isfinite(v)), None)
    if broken is None:
        return raw
    return raw[: broken + 1] + [math.nan] * (max(len(raw), case["iterations"]) - broken - 1)


def lr_at(lrs, i):
    if i < len(lrs):
        return lrs[i]
    ratio = lrs[-1] / lrs[-2]
    return lrs[-1] * ratio ** (i - len(lrs) + 1)


def guard(f):
    try:
        return f()
    except (IndexError, ValueError, RuntimeError):
        return None


# ---------------------------------------------------------------------------------------------- fastai
def fastai_record(lrs, raw, num_it, beta=0.98):
    val, count, best = torch.tensor(0.0), 0, float("inf")
    rec_lrs, rec_losses = [], []
    for i, loss in enumerate(raw):
        count += 1
        val = torch.lerp(torch.tensor(loss, dtype=torch.float32), val, beta)
        smooth = val / (1 - beta ** count)
        rec_lrs.append(lr_at(lrs, i))
        rec_losses.append(smooth)
        if smooth < best:
            best = smooth
        if smooth > 4 * best:
            break
        if count >= num_it:
            break
    return rec_lrs, rec_losses


def valley(lrs, losses):
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lrs[idx])


def slide(lrs, losses, lr_diff=15, thresh=0.005, adjust_value=1.0):
    losses = losses.numpy()
    loss_grad = np.gradient(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while (l_idx >= -len(losses)) and (abs(loss_grad[r_idx] - loss_grad[l_idx]) > thresh):
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return float(local_min_lr) * adjust_value


def minimum(lrs, losses):
    return lrs[losses.argmin()].item() / 10


def steep(lrs, losses):
    grads = (losses[1:] - losses[:-1]) / (lrs[1:].log() - lrs[:-1].log())
    return lrs[grads.argmin()].item()


def fastai(case, raw):
    num_it = case["iterations"]
    rec_lrs, rec_losses = fastai_record(case["lrs"], raw, num_it)
    lrs = torch.tensor(rec_lrs[num_it // 10 : -5])
    losses = torch.tensor([float(v) for v in rec_losses[num_it // 10 : -5]])
    nan_idxs = torch.nonzero(torch.isnan(losses.view(-1)))
    if len(nan_idxs) > 0:
        drop_idx = min(nan_idxs)
        lrs = lrs[:drop_idx]
        losses = losses[:drop_idx]
    return {
        "valley": guard(lambda: valley(lrs, losses)),
        "slide": guard(lambda: slide(lrs, losses)),
        "minimum": guard(lambda: minimum(lrs, losses)),
        "steep": guard(lambda: steep(lrs, losses)),
    }


# ------------------------------------------------------------------------------------- torch-lr-finder
def torch_lr_finder(case, raw, smooth_f=0.05, diverge_th=5, skip_start=10, skip_end=5):
    history = {"lr": [], "loss": []}
    best_loss = None
    for iteration, loss in enumerate(raw):
        history["lr"].append(lr_at(case["lrs"], iteration))
        if iteration == 0:
            best_loss = loss
        else:
            if smooth_f > 0:
                loss = smooth_f * loss + (1 - smooth_f) * history["loss"][-1]
            if loss < best_loss:
                best_loss = loss
        history["loss"].append(loss)
        if loss > diverge_th * best_loss:
            break
    lrs = history["lr"][skip_start:-skip_end]
    losses = history["loss"][skip_start:-skip_end]
    try:
        min_grad_idx = (np.gradient(np.array(losses))).argmin()
    except ValueError:
        return {"steepest": None}
    return {"steepest": lrs[min_grad_idx]}


# ------------------------------------------------------------------------------------------- Lightning
def lightning(case, raw, beta=0.98, early_stop_threshold=4.0, skip_begin=10, skip_end=1):
    lrs_rec, losses_rec = [], []
    avg_loss, best_loss = 0.0, 0.0
    for i, current_loss in enumerate(raw):
        lrs_rec.append(lr_at(case["lrs"], i))
        current_step = i + 1  # trainer.global_step after this batch's optimizer step
        avg_loss = beta * avg_loss + (1 - beta) * current_loss
        smoothed_loss = avg_loss / (1 - beta ** (current_step + 1))
        should_stop = current_step > 1 and smoothed_loss > early_stop_threshold * best_loss
        if smoothed_loss < best_loss or current_step == 1:
            best_loss = smoothed_loss
        losses_rec.append(smoothed_loss)
        if should_stop:
            break
    losses = torch.tensor(losses_rec[skip_begin:-skip_end])
    lrs = torch.tensor(lrs_rec[skip_begin:-skip_end])
    is_finite = torch.isfinite(losses)
    losses = losses[is_finite]
    lrs = lrs[is_finite]
    if len(losses) < 2:
        return {"suggestion": None}
    gradients = torch.gradient(losses, spacing=[lrs])[0]
    min_grad = torch.argmin(gradients).item()
    all_losses_idx = torch.arange(len(losses_rec))
    idx_non_skipped = all_losses_idx[skip_begin:-skip_end]
    idx_finite = idx_non_skipped[is_finite]
    return {"suggestion": lrs_rec[idx_finite[min_grad].item()]}


def main():
    out = []
    for case in json.load(sys.stdin):
        raw = raw_losses(case)
        out.append({"fastai": fastai(case, raw), "torchLrFinder": torch_lr_finder(case, raw), "lightning": lightning(case, raw)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
