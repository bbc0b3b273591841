"""Device check: what this project's CPU machines cannot show (a current PyTorch with CUDA, Lightning).

1. Our schedules (computed in TypeScript by prepare.ts) against this PyTorch's lr_scheduler, case by case.
2. Generated PyTorch and Lightning snippets executed with this PyTorch (Adam's beta1 cycling included); the
   Lightning ones also inside a real Lightning Trainer on the GPU.
3. With --with-bridge: the PyTorch bridge on CUDA (bench/pytorch-bridge-gpu.py --device cuda).

Usage: python3 bench/device/check.py [--with-bridge]  (after `node out/bench/device/prepare.js` wrote .device/)
"""
import json
import os
import subprocess
import sys
import textwrap
import warnings

sys.dont_write_bytecode = True
warnings.simplefilter("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".device")
REL_TOL = 1e-9


def rel_err(a, b):
    return 0.0 if a == b else abs(a - b) / max(abs(a), abs(b))


def run_json(script, payload):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "test", "support", script)],
                         input=json.dumps(payload), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def compare(ours, theirs):
    """A description of the first difference, or None."""
    if "error" in theirs or "error" in ours:
        if "error" in theirs and "error" in ours:
            return None
        return "PyTorch raised %s" % theirs["error"] if "error" in theirs else "we refused: %s" % ours["error"]
    for name in ("lr", "momentum"):
        a, b = ours.get(name), theirs.get(name)
        if a is None:
            continue  # the schedule leaves it alone (an optimizer reports its constant momentum all the same)
        if b is None:
            return "%s: PyTorch does not cycle it" % name
        if len(a) != len(b):
            return "%s length %d vs %d" % (name, len(a), len(b))
        for t, (x, y) in enumerate(zip(a, b)):
            if not rel_err(x, y) <= REL_TOL:
                return "%s[%d] = %r vs PyTorch %r" % (name, t, x, y)
    return None


def check_schedules():
    data = json.load(open(os.path.join(DATA, "schedules.json")))
    theirs = run_json("torch_schedule_oracle.py", data["cases"])
    problems = [(i, compare(o, t)) for i, (o, t) in enumerate(zip(data["ours"], theirs))]
    problems = [(i, p) for i, p in problems if p]
    print("schedules: %d cases, %d differ from torch %s" % (len(theirs), len(problems), torch.__version__))
    for i, p in problems[:15]:
        c = data["cases"][i]
        print("  case %d %s/%s: %s" % (i, c["spec"]["policy"], c["optimizer"], p))
    return len(problems)


def lightning_rates(code, steps, device):
    import lightning.pytorch as pl

    source = "class Module(pl.LightningModule):\n" \
             "    def __init__(self):\n" \
             "        super().__init__()\n" \
             "        self.layer = torch.nn.Linear(3, 1)\n\n" \
             "    def training_step(self, batch, batch_idx):\n" \
             "        return self.layer(batch[0]).pow(2).mean()\n\n" + textwrap.indent(code, "    ")
    ns = {"torch": torch, "pl": pl}
    exec(compile(source, "<lightning>", "exec"), ns)
    rates = []

    class Record(pl.Callback):
        def on_train_batch_start(self, trainer, module, batch, batch_idx):
            rates.append(trainer.optimizers[0].param_groups[0]["lr"])

    data = torch.utils.data.TensorDataset(torch.randn(steps * 4, 3))
    loader = torch.utils.data.DataLoader(data, batch_size=4)
    trainer = pl.Trainer(max_steps=steps, accelerator=device, devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, callbacks=[Record()])
    trainer.fit(ns["Module"](), loader)
    return rates


def check_snippets():
    data = json.load(open(os.path.join(DATA, "snippets.json")))
    results = run_json("run_snippets.py", data["payloads"])
    failures = 0
    for payload, want, got in zip(data["payloads"], data["expected"], results):
        problem = compare(want, got)
        if problem:
            failures += 1
            print("  snippet %s %s %s: %s" % (payload["framework"], want["policy"], want["optimizer"], problem))
    print("snippets (torch %s): %d executed, %d differ" % (torch.__version__, len(results), failures))
    device = "gpu" if torch.cuda.is_available() else "cpu"
    trained = 0
    for payload, want in zip(data["payloads"], data["expected"]):
        if payload["framework"] != "lightning" or want["optimizer"] != "adam":
            continue
        rates = lightning_rates(payload["code"], 120, device)
        problem = compare({"lr": want["lr"][:120]}, {"lr": rates})
        trained += 1
        if problem:
            failures += 1
            print("  Lightning Trainer %s %s: %s" % (want["policy"], want["optimizer"], problem))
    print("Lightning Trainer on %s: %d snippets trained for 120 steps" % (device, trained))
    return failures


if __name__ == "__main__":
    import torch

    print("torch", torch.__version__, "cuda", torch.cuda.is_available())
    failed = check_schedules() + check_snippets()
    if "--with-bridge" in sys.argv:
        bridge = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "pytorch-bridge-gpu.py"), "--device",
                                 "cuda" if torch.cuda.is_available() else "cpu"])
        failed += bridge.returncode != 0
    sys.exit(1 if failed else 0)
