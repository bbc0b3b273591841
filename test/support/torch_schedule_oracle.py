"""Oracle for src/core/schedules/: runs the real torch.optim.lr_scheduler classes.

Reads a JSON list of cases {"spec": ScheduleSpec (camelCase, as in src/core/schedules/spec.ts), "steps": N, "optimizer": "sgd"|"adam"}
on stdin and prints a JSON list of {"lr": [...], "momentum": [...] | null} or {"error": "ExceptionType: message"}.
lr[t] is param_groups[0]["lr"] after constructing the scheduler and calling step() t times; momentum[t] is
param_groups[0]["momentum"] (or betas[0] for Adam) where the scheduler cycles it.
"""
import json
import math
import sys
import warnings

import torch
from torch.optim import lr_scheduler

warnings.simplefilter("ignore")

CLR_MODES = ("triangular", "triangular2", "exp_range")
NATIVE_SCALE_MODE = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


def make_optimizer(kind, lr):
    params = [torch.nn.Parameter(torch.zeros(2))]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def build(spec, kind):
    policy = spec["policy"]
    if policy in CLR_MODES:
        opt = make_optimizer(kind, spec["maxLr"])
        kwargs = dict(base_lr=float(spec["baseLr"]), max_lr=float(spec["maxLr"]), mode=policy)
        for field, name in (("stepSizeUp", "step_size_up"), ("stepSizeDown", "step_size_down")):
            if field in spec:
                kwargs[name] = spec[field]
        if "gamma" in spec:
            kwargs["gamma"] = float(spec["gamma"])
        for field, name in (("cycleMomentum", "cycle_momentum"),):
            if field in spec:
                kwargs[name] = spec[field]
        for field, name in (("baseMomentum", "base_momentum"), ("maxMomentum", "max_momentum")):
            if field in spec:
                kwargs[name] = float(spec[field])
        scale_mode = spec.get("scaleMode")
        if scale_mode is not None and scale_mode != NATIVE_SCALE_MODE[policy]:
            # Built-in modes ignore scale_mode; a different one needs the mode's function passed explicitly.
            gamma = float(spec.get("gamma", 1.0))
            fns = {
                "triangular": lambda x: 1.0,
                "triangular2": lambda x: 1 / (2.0 ** (x - 1)),
                "exp_range": lambda x: gamma ** x,
            }
            kwargs["scale_fn"] = fns[policy]
            kwargs["scale_mode"] = scale_mode
        sched = lr_scheduler.CyclicLR(opt, **kwargs)
        momentum = kwargs.get("cycle_momentum", True)
        return opt, sched, momentum, None
    if policy == "one-cycle":
        opt = make_optimizer(kind, spec["maxLr"])
        kwargs = dict(max_lr=float(spec["maxLr"]))
        for field, name in (("totalSteps", "total_steps"), ("epochs", "epochs"), ("stepsPerEpoch", "steps_per_epoch")):
            if field in spec:
                kwargs[name] = int(spec[field])
        for field, name in (("pctStart", "pct_start"), ("divFactor", "div_factor"), ("finalDivFactor", "final_div_factor"),
                            ("baseMomentum", "base_momentum"), ("maxMomentum", "max_momentum")):
            if field in spec:
                kwargs[name] = float(spec[field])
        for field, name in (("annealStrategy", "anneal_strategy"), ("threePhase", "three_phase"), ("cycleMomentum", "cycle_momentum")):
            if field in spec:
                kwargs[name] = spec[field]
        sched = lr_scheduler.OneCycleLR(opt, **kwargs)
        return opt, sched, kwargs.get("cycle_momentum", True), None
    if policy == "sgdr":
        opt = make_optimizer(kind, float(spec["maxLr"]))
        kwargs = dict(T_0=int(spec["t0"]))
        if "tMult" in spec:
            kwargs["T_mult"] = int(spec["tMult"])
        if "etaMin" in spec:
            kwargs["eta_min"] = float(spec["etaMin"])
        sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, **kwargs)
        return opt, sched, False, spec.get("stepsPerEpoch")
    if policy == "cosine":
        opt = make_optimizer(kind, float(spec["maxLr"]))
        kwargs = dict(T_max=int(spec["tMax"]))
        if "etaMin" in spec:
            kwargs["eta_min"] = float(spec["etaMin"])
        sched = lr_scheduler.CosineAnnealingLR(opt, **kwargs)
        return opt, sched, False, None
    if policy in ("warmup-cosine", "wsd", "linear-decay"):
        opt = make_optimizer(kind, float(spec["maxLr"]))
        return opt, build_warmup(opt, spec), False, None
    raise ValueError("unknown policy " + policy)


def build_warmup(opt, spec):
    """The chain the generated code writes: LinearLR warm-up, then the decay, joined by SequentialLR."""
    total = int(spec["totalSteps"])
    warmup = int(spec.get("warmupSteps", 0))
    chain = []
    if warmup > 0:
        chain.append(lr_scheduler.LinearLR(opt, start_factor=float(spec.get("warmupStartFactor", 0.01)), end_factor=1.0, total_iters=warmup))
    if spec["policy"] == "warmup-cosine":
        chain.append(lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=float(spec.get("etaMin", 0.0))))
    elif spec["policy"] == "linear-decay":
        chain.append(lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=total - warmup))
    else:
        decay = int(spec["decaySteps"])
        chain.append(lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=total - warmup - decay))
        if spec.get("cooldown", "linear") == "linear":
            chain.append(lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=decay))
        else:
            chain.append(lr_scheduler.LambdaLR(opt, lambda k: 1 - math.sqrt(min(k, decay) / decay)))
    if len(chain) == 1:
        return chain[0]
    milestones = []
    for scheduler in chain[:-1]:
        length = scheduler.total_iters if hasattr(scheduler, "total_iters") else 0
        milestones.append((milestones[-1] if milestones else 0) + length)
    return lr_scheduler.SequentialLR(opt, schedulers=chain, milestones=milestones)


def read_momentum(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(case):
    spec, steps, kind = case["spec"], case["steps"], case.get("optimizer", "sgd")
    try:
        opt, sched, cycles_momentum, iters = build(spec, kind)
        group = opt.param_groups[0]
        lrs, moms = [group["lr"]], [read_momentum(group)]
        for t in range(1, steps):
            opt.step()
            if iters is None:
                sched.step()
            else:
                epoch, i = divmod(t - 1, iters)
                sched.step(epoch + (i + 1) / iters)
            lrs.append(group["lr"])
            moms.append(read_momentum(group))
        return {"lr": lrs, "momentum": moms if cycles_momentum else None}
    except Exception as error:  # the TypeScript side must refuse the same configurations
        return {"error": "%s: %s" % (type(error).__name__, error)}


def main():
    cases = json.load(sys.stdin)
    json.dump([run(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
