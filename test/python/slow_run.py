"""A range test that takes its time (20 ms a step), as a training process in a terminal would, so that a
reader can follow its run file while it grows. Usage: slow_run.py RUN_FILE [STEPS]"""

import sys
import time

import torch
from torch import nn

from cyclical_lr import RangeTest

torch.manual_seed(0)
w = torch.randn(8, 3)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 80
with RangeTest(optimizer, model=model, start_lr=1e-4, end_lr=100, iterations=steps, out=sys.argv[1], name="slow") as rt:
    while True:
        x = torch.randn(32, 8)
        loss = nn.functional.cross_entropy(model(x), (x @ w).argmax(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        time.sleep(0.02)
        if rt.step(loss):
            break
print(rt.stop_reason, len(rt.losses))
