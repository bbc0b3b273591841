"""One timed PyTorch run of a benchmark workload (W1 or W2), as a fresh process; prints one JSON line.

Same data (read from the files the driver wrote), same architecture, batch, step count, optimizer and
learning-rate sweep as the engine's child; the loss is read back every step (loss.item()), as an LR finder must.
"""
import json
import resource
import sys
import time

import numpy as np
import torch


def main():
    workload, data_dir, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    meta = json.load(open(f"{data_dir}/meta.json"))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.from_numpy(np.fromfile(f"{data_dir}/x.bin", dtype=np.float32).reshape([meta["rows"]] + meta["inputShape"]))
    y = torch.from_numpy(np.fromfile(f"{data_dir}/y.bin", dtype=np.float32).astype(np.int64))
    if workload == "W1":
        h = meta["hidden"]
        model = torch.nn.Sequential(
            torch.nn.Linear(meta["inputShape"][0], h[0]), torch.nn.ReLU(),
            torch.nn.Linear(h[0], h[1]), torch.nn.ReLU(),
            torch.nn.Linear(h[1], meta["classes"]))
    else:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW, once, outside the timed loop
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(32 * 5 * 5, meta["classes"]))
    steps, batch = meta["steps"], meta["batch"]
    lrs = np.geomspace(meta["startLr"], meta["endLr"], steps)
    opt = torch.optim.SGD(model.parameters(), lr=lrs[0], momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)
    rows = x.shape[0]
    order = torch.randperm(rows, generator=gen)
    pos = 0
    losses = []
    cpu_start = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    start = time.perf_counter()
    for step in range(steps):
        if pos + batch > rows:
            order = torch.randperm(rows, generator=gen)
            pos = 0
        idx = order[pos:pos + batch]
        pos += batch
        xb, yb = x[idx], y[idx]
        for g in opt.param_groups:
            g["lr"] = float(lrs[step])
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu_start
    print(json.dumps({
        "stepsPerSecond": steps / seconds,
        "cpuMsPerStep": cpu * 1000 / steps,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "firstLoss": losses[0],
    }))


main()
