"""Benchmark and checks of the PyTorch runner on a device, without Node (for a GPU machine).

1. W1 steps/s: the runner (python/clr_torch_runner.py, as the bridge spawns it) against the plain loop of
   bench/pytorch-bridge-w1.py, alternated, medians.
2. --device cuda only: peak GPU memory of the range test against a plain loop on a ~256 MiB model (the state
   kept for restoring lives on the CPU, so the peaks should match); the model's state identical afterwards;
   a real CUDA out-of-memory in the user's code reported as such.

Usage: python3 bench/pytorch-bridge-gpu.py [--device cpu|cuda] [--reps 5] [--steps 300]
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "python", "clr_torch_runner.py")
W1 = os.path.join(ROOT, "bench", "pytorch-bridge-w1.py")


def lrs(steps, start=1e-6, end=10.0):
    return [start * (end / start) ** (t / (steps - 1)) for t in range(steps)]


def run_runner(config):
    out = subprocess.run([sys.executable, "-B", RUNNER], input=json.dumps(config) + "\n", capture_output=True, text=True, cwd=ROOT)
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return events


def w1(device, reps, steps):
    config = {"file": W1, "lrs": lrs(steps), "diverge": 1e12, "device": device, "optimizer": "momentum", "momentum": 0.9}
    bridge, plain = [], []
    run_runner(config)  # warm-up
    for _ in range(reps):
        events = run_runner(config)
        result = events[-1]
        assert result["type"] == "result" and result["steps"] == steps, events[-1]
        streamed = [p["step"] for e in events if e["type"] == "progress" for p in e["points"]]
        assert streamed == list(range(steps)), "points streamed: %d of %d" % (len(streamed), steps)
        bridge.append(result["stepsPerSecond"])
        out = subprocess.run([sys.executable, "-B", W1, str(steps), "1e-6", "10", device], capture_output=True, text=True, check=True)
        plain.append(json.loads(out.stdout.strip().splitlines()[-1])["stepsPerSecond"])
    b, p = statistics.median(bridge), statistics.median(plain)
    print("W1 on %s, %d steps, %d reps: plain %.0f steps/s (%.0f..%.0f), runner %.0f steps/s (%.0f..%.0f), overhead %.1f%%"
          % (device, steps, reps, p, min(plain), max(plain), b, min(bridge), max(bridge), (p / b - 1) * 100))


def load_runner():
    spec = importlib.util.spec_from_file_location("clr_torch_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cuda_checks():
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    runner = load_runner()
    torch.manual_seed(0)
    width = 4096
    data = TensorDataset(torch.randn(2048, width), torch.randint(0, 10, (2048,)))
    loader = DataLoader(data, batch_size=256, shuffle=True)

    def build():
        torch.manual_seed(0)
        model = nn.Sequential(*[nn.Sequential(nn.Linear(width, width), nn.ReLU()) for _ in range(4)], nn.Linear(width, 10)).cuda()
        return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    criterion = nn.CrossEntropyLoss()
    steps = 20
    # The plain loop first: one-time CUDA allocations (cuBLAS workspaces) land in it, not in the range test.
    model, optimizer = build()
    size = sum(p.numel() * p.element_size() for p in model.parameters())
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    batches = iter(loader)
    for lr in lrs(steps, 1e-4, 1e-2):
        try:
            x, y = next(batches)
        except StopIteration:
            batches = iter(loader)
            x, y = next(batches)
        x, y = x.cuda(non_blocking=True), y.cuda(non_blocking=True)
        for g in optimizer.param_groups:
            g["lr"] = lr
        optimizer.zero_grad(set_to_none=True)
        criterion(model(x), y).backward()
        optimizer.step()
    torch.cuda.synchronize()
    peak_plain = torch.cuda.max_memory_allocated() - base
    del model, optimizer
    torch.cuda.empty_cache()

    model, optimizer = build()
    before = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    objects = {"model": model, "train_loader": loader, "criterion": criterion, "optimizer": optimizer, "val_loader": None}
    events = []
    result = runner.range_test(torch, objects, {"lrs": lrs(steps, 1e-4, 1e-2), "device": "cuda", "diverge": 1e12}, events.append)
    streamed = [p["step"] for e in events if e["type"] == "progress" for p in e["points"]]
    assert streamed == list(range(steps)), streamed
    peak_runner = torch.cuda.max_memory_allocated() - base
    after = model.state_dict()
    identical = all(torch.equal(before[k], after[k].cpu()) for k in before)

    print("CUDA memory: model %.0f MiB; peak above the model: range test %.0f MiB, plain loop %.0f MiB; %s after %d steps (%s)"
          % (size / 2**20, peak_runner / 2**20, peak_plain / 2**20, "state identical" if identical else "STATE DIFFERS", steps, result["stopReason"]))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "oom.py")
        with open(path, "w") as f:
            f.write("import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader, TensorDataset\n"
                    "class Big(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 2)\n"
                    "    def forward(self, x):\n        waste = torch.empty(2**45, device=x.device)\n        return self.fc(x)\n"
                    "model = Big()\ntrain_loader = DataLoader(TensorDataset(torch.randn(64, 8), torch.randint(0, 2, (64,))), batch_size=16)\n"
                    "criterion = nn.CrossEntropyLoss()\n")
        events = run_runner({"file": path, "lrs": lrs(20), "device": "cuda"})
        print("real CUDA OOM:", json.dumps({k: events[-1].get(k) for k in ("type", "kind", "message", "line")}))
        events = run_runner({"file": os.path.join(ROOT, "examples", "pytorch", "model.py"), "lrs": lrs(100, 1e-5, 10), "device": "cuda", "valEvery": 10})
        started = [e for e in events if e["type"] == "started"]
        print("example on CUDA:", started[0]["device"] if started else None, json.dumps(events[-1]))
        events = run_runner({"file": os.path.join(ROOT, "examples", "pytorch", "model.py"), "lrs": lrs(100, 1e-5, 10), "device": "cuda", "amp": True})
        print("example on CUDA with AMP:", json.dumps(events[-1]))
        events = run_runner({"file": os.path.join(ROOT, "examples", "pytorch", "model.py"), "lrs": lrs(100, 1e-3, 1e5), "device": "cuda"})
        streamed = [p["step"] for e in events if e["type"] == "progress" for p in e["points"]]
        print("example on CUDA up to lr 1e5: %d points streamed, last step %s," % (len(streamed), streamed[-1] if streamed else None), json.dumps(events[-1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    import torch

    print("torch %s, %d threads, cuda available: %s" % (torch.__version__, torch.get_num_threads(), torch.cuda.is_available()))
    w1(args.device, args.reps, args.steps)
    if args.device == "cuda":
        cuda_checks()


if __name__ == "__main__":
    main()
