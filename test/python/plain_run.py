"""RangeTest.run, the plain loop: (inputs, targets) batches, accumulate=2, clip_grad_norm, AMP (CPU
autocast), a validation loss every 5 steps; and step() with floats, tensors and a NaN.
Usage: plain_run.py OUT_DIR. Prints one JSON line."""

import json
import math
import sys

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cyclical_lr import RangeTest
from state_digest import state_digest

out = sys.argv[1]
torch.manual_seed(0)
x = torch.randn(1024, 8)
y = (x @ torch.randn(8, 3)).argmax(1)
train = DataLoader(TensorDataset(x[:768], y[:768]), batch_size=32, shuffle=True)
val = DataLoader(TensorDataset(x[768:], y[768:]), batch_size=128)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
before = state_digest(model, optimizer)
rt = RangeTest.run(model, train, nn.CrossEntropyLoss(), optimizer, accumulate=2, clip_grad_norm=0.5, amp=True,
                   val_loader=val, val_every=5, start_lr=1e-4, end_lr=100, iterations=120, out=out + "/run.jsonl")
report = {"run": {"path": rt.path, "stopReason": rt.stop_reason, "steps": len(rt.losses), "restored": state_digest(model, optimizer) == before,
                  "suggestion": rt.suggestion.to_json() if rt.suggestion else None}}

p = nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=1.0)
with RangeTest(opt, start_lr=1e-3, end_lr=1, iterations=50, out=out + "/nan.jsonl") as nan_rt:
    for i in range(50):
        loss = 2.0 - i / 100 if i < 20 else float("nan")
        if nan_rt.step(torch.tensor(loss) if i % 2 else loss):
            break
report["nan"] = {"path": nan_rt.path, "stopReason": nan_rt.stop_reason, "steps": len(nan_rt.losses), "lastIsNan": math.isnan(nan_rt.losses[-1]),
                 "lrAfter": opt.param_groups[0]["lr"], "suggestion": nan_rt.suggestion.to_json() if nan_rt.suggestion else None}
print(json.dumps(report))
