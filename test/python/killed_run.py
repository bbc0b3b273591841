"""A training process that is killed (SIGKILL) in the middle of a range test, after STEPS steps.
Usage: killed_run.py OUT_DIR STEPS"""

import os
import signal
import sys

import torch
from torch import nn

from cyclical_lr import RangeTest

torch.manual_seed(0)
w = torch.randn(8, 3)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
with RangeTest(optimizer, model=model, start_lr=1e-4, end_lr=100, iterations=300, out=sys.argv[1]) as rt:
    for step in range(300):
        x = torch.randn(32, 8)
        loss = nn.functional.cross_entropy(model(x), (x @ w).argmax(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step + 1 == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
        if rt.step(loss):
            break
