"""W1 for the PyTorch bridge benchmark: 20,000 x 32 features, 10 classes, MLP 32-128-128-10, batch 64,
SGD momentum 0.9. The range test imports this file for `model`, `train_loader`, `criterion`, `optimizer`;
run as a script it is the plain PyTorch loop the bridge is compared with: the same steps and learning rates
(exponential 1e-6 -> 10), printing one JSON line {"steps", "seconds", "cpuSeconds", "stepsPerSecond"}.

Usage: python pytorch-bridge-w1.py STEPS START_LR END_LR [DEVICE]
"""

import json
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
_x = torch.randn(20000, 32)
_y = (_x @ torch.randn(32, 10) + 0.5 * torch.randn(20000, 10)).argmax(dim=1)
train_loader = DataLoader(TensorDataset(_x, _y), batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)


def plain_loop(steps, start_lr, end_lr, device="cpu"):
    """What a user would write: set the rate, one optimizer step per batch, cycling through epochs."""
    model.to(device)
    lrs = [start_lr * (end_lr / start_lr) ** (t / (steps - 1)) for t in range(steps)]
    batches = iter(train_loader)
    started = time.perf_counter()
    started_cpu = time.process_time()
    for lr in lrs:
        try:
            inputs, targets = next(batches)
        except StopIteration:
            batches = iter(train_loader)
            inputs, targets = next(batches)
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
    last = loss.item()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    return {"steps": steps, "seconds": seconds, "cpuSeconds": cpu_seconds, "stepsPerSecond": steps / seconds, "lastLoss": last}


if __name__ == "__main__":
    steps, start_lr, end_lr = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    device = sys.argv[4] if len(sys.argv) > 4 else "cpu"
    print(json.dumps(plain_loop(steps, start_lr, end_lr, device)))
