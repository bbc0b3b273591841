"""Executes generated scheduler snippets and reports the learning rates they produce, step by step.

stdin: JSON list of {"framework", "code", "steps", "optimizer", "stepsPerEpoch", "optimizerVar", "schedulerVar"}.
stdout: JSON list of {"lr": [...], "momentum": [...] | null, "info": {...}} or {"error": "..."}.

pytorch: real torch; the snippet runs against a small model's optimizer, then the training loop written in the
  snippet's own comment is uncommented and run, its `...` line replaced by recording the rate.
lightning: the configure_optimizers method runs on a plain torch.nn.Module (no Lightning needed), and the
  scheduler is stepped once per batch as "interval": "step" tells Lightning to.
keras / fastai: the code runs against stand-ins for the framework modules (numpy for keras.ops), so the rate
  arithmetic is checked without installing them; fit_one_cycle's arguments are reported.
"""
import json
import math
import sys
import textwrap
import types
import warnings

import numpy as np
import torch

warnings.simplefilter("ignore")


class Done(Exception):
    pass


def make_optimizer(kind, params):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=0.5)
    if kind == "nesterov":
        return torch.optim.SGD(params, lr=0.5, momentum=0.9, nesterov=True)
    if kind == "adam":
        return torch.optim.Adam(params, lr=0.5)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=0.5)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=0.5)
    return torch.optim.SGD(params, lr=0.5, momentum=0.9)


def read_momentum(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def training_loop(code, scheduler_var):
    """The commented loop after 'Step the scheduler once per batch', uncommented."""
    lines = code.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("# Step the scheduler once per batch"))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith("#     "):
            break
        body.append(line[1:])
    loop = textwrap.dedent("\n".join(body))
    if scheduler_var + ".step(" not in loop:
        raise AssertionError("the loop comment does not step " + scheduler_var)
    return loop.replace("...  # forward pass, loss.backward()", "record()")


def run_pytorch(case):
    model = torch.nn.Linear(3, 1)
    optimizer = make_optimizer(case["optimizer"], model.parameters())
    ns = {"torch": torch, "model": model, case["optimizerVar"]: optimizer}
    exec(compile(case["code"], "<snippet>", "exec"), ns)
    group = optimizer.param_groups[0]
    lrs, moms = [], []

    def record():
        if len(lrs) == case["steps"]:
            raise Done()
        lrs.append(group["lr"])
        moms.append(read_momentum(group))
        # a real step, so that the optimizer and scheduler interact as in training
        model.zero_grad()
        model(torch.ones(2, 3)).sum().backward()

    spe = case.get("stepsPerEpoch") or 7
    ns.update(record=record, train_loader=list(range(spe)), epochs=10 ** 6)
    try:
        exec(compile(training_loop(case["code"], case["schedulerVar"]), "<loop>", "exec"), ns)
    except Done:
        pass
    return {"lr": lrs, "momentum": moms}


def run_lightning(case):
    source = "class Module(torch.nn.Module):\n" \
             "    def __init__(self):\n" \
             "        super().__init__()\n" \
             "        self.layer = torch.nn.Linear(3, 1)\n\n" + textwrap.indent(case["code"], "    ")
    ns = {"torch": torch}
    exec(compile(source, "<lightning>", "exec"), ns)
    module = ns["Module"]()
    config = module.configure_optimizers()
    optimizer = config["optimizer"]
    sched = config["lr_scheduler"]
    assert sched["interval"] == "step", sched
    group = optimizer.param_groups[0]
    lrs, moms = [], []
    for _ in range(case["steps"]):
        lrs.append(group["lr"])
        moms.append(read_momentum(group))
        module.zero_grad()
        module.layer(torch.ones(2, 3)).sum().backward()
        optimizer.step()
        sched["scheduler"].step()
    return {"lr": lrs, "momentum": moms, "info": {"optimizer": type(optimizer).__name__}}


def fake_keras():
    keras = types.ModuleType("keras")
    ops = types.ModuleType("keras.ops")
    ops.cast = lambda x, dtype: np.float64(x)  # float64 so that the arithmetic itself can be compared exactly
    ops.floor, ops.where, ops.power, ops.cos, ops.log, ops.mod = np.floor, np.where, np.power, np.cos, np.log, np.mod
    ops.sqrt, ops.minimum, ops.maximum = np.sqrt, np.minimum, np.maximum
    keras.ops = ops
    keras.saving = types.SimpleNamespace(register_keras_serializable=lambda *a, **k: (lambda cls: cls))

    class LearningRateSchedule:
        pass

    built = {}

    def optimizer(name):
        def make(**kwargs):
            built.update(name=name, **{k: v for k, v in kwargs.items() if k != "learning_rate"})
            return types.SimpleNamespace(name=name, learning_rate=kwargs.get("learning_rate"))
        return make

    keras.optimizers = types.SimpleNamespace(
        schedules=types.SimpleNamespace(LearningRateSchedule=LearningRateSchedule),
        SGD=optimizer("SGD"), Adam=optimizer("Adam"), AdamW=optimizer("AdamW"), RMSprop=optimizer("RMSprop"))
    keras.callbacks = types.SimpleNamespace(LearningRateScheduler=lambda f: f)
    return keras, ops, built


def exec_with_modules(code, filename, modules, ns):
    """Runs `code` in `ns` with stand-in `modules` importable, restoring sys.modules afterwards."""
    saved = {k: sys.modules.get(k) for k in modules}
    sys.modules.update(modules)
    try:
        exec(compile(code, filename, "exec"), ns)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return ns


def run_keras(case):
    keras, ops, built = fake_keras()
    ns = exec_with_modules(case["code"], "<keras>", {"keras": keras, "keras.ops": ops}, {})
    schedule = ns["schedule"]
    optimizer = ns[case["optimizerVar"]]
    assert optimizer.learning_rate is schedule, "the optimizer is built with the schedule"
    clone = type(schedule)(**schedule.get_config())
    with np.errstate(divide="ignore", invalid="ignore"):
        lrs = [float(schedule(t)) for t in range(case["steps"])]
        again = [float(clone(t)) for t in range(case["steps"])]
    assert lrs == again, "get_config() does not rebuild the same schedule"
    return {"lr": lrs, "momentum": None, "info": {"optimizer": built}}


def run_fastai(case):
    captured = {}

    class ParamScheduler:
        def __init__(self, scheds):
            self.scheds = scheds

    class Learner:
        dls = types.SimpleNamespace(train=list(range(case.get("stepsPerEpoch") or 37)))

        def fit(self, n_epoch, cbs=None):
            captured.update(method="fit", n_epoch=n_epoch, cbs=cbs)

        def fit_one_cycle(self, n_epoch, **kwargs):
            captured.update(method="fit_one_cycle", n_epoch=n_epoch, kwargs=kwargs)

    fastai = types.ModuleType("fastai")
    callback = types.ModuleType("fastai.callback")
    schedule = types.ModuleType("fastai.callback.schedule")
    schedule.ParamScheduler = ParamScheduler
    mods = {"fastai": fastai, "fastai.callback": callback, "fastai.callback.schedule": schedule}
    ns = exec_with_modules(case["code"], "<fastai>", mods, {"learn": Learner()})
    if captured["method"] == "fit_one_cycle":
        return {"lr": None, "momentum": None, "info": {"n_epoch": captured["n_epoch"], "kwargs": captured["kwargs"]}}
    total = ns["EPOCHS"] * ns["ITERS_PER_EPOCH"]
    lr_fn = captured["cbs"].scheds["lr"]
    # fastai calls the schedule with pos = train_iter / total_iters before every batch.
    lrs = [lr_fn(t / total) for t in range(min(case["steps"], total))]
    return {"lr": lrs, "momentum": None, "info": {"n_epoch": captured["n_epoch"]}}


RUNNERS = {"pytorch": run_pytorch, "lightning": run_lightning, "keras": run_keras, "fastai": run_fastai}


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(RUNNERS[case["framework"]](case))
        except Exception as error:
            results.append({"error": "%s: %s" % (type(error).__name__, error)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
