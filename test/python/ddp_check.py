"""One rank of a two-process DistributedDataParallel range test (gloo, CPU), started the way torchrun
starts ranks (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). Each rank trains on its own shard;
the rank-local losses are printed so that the test can check the all-reduced mean. Usage: ddp_check.py OUT_DIR"""

import gc
import json
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from cyclical_lr import RangeTest

dist.init_process_group("gloo")
rank = dist.get_rank()
torch.manual_seed(0)
w = torch.randn(8, 3)
x = torch.randn(1024, 8)
y = (x @ w).argmax(1)
loader = DataLoader(TensorDataset(x, y), batch_size=16, sampler=DistributedSampler(TensorDataset(x, y), seed=1))
model = DistributedDataParallel(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3)))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()

local = []
with RangeTest(optimizer, model=model, start_lr=1e-4, end_lr=100, iterations=200, out=sys.argv[1]) as rt:
    for epoch in range(100):
        loader.sampler.set_epoch(epoch)
        stop = False
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            local.append(loss.item())
            if rt.step(loss):
                stop = True
                break
        if stop:
            break
dist.barrier()
print(json.dumps({"rank": rank, "local": local, "losses": rt.losses, "stopReason": rt.stop_reason, "path": rt.path,
                  "suggestion": rt.suggestion.to_json() if rt.suggestion else None}))
# The DDP model (and the RangeTest, which holds it) keeps the process group alive after
# destroy_process_group(): gloo's threads would then outlive it into Python's shutdown, where one that
# still drops a tensor aborts the process ("terminate called without an active exception", torch 1.13 on
# Python 3.11). Released first, the group is closed here, while Python is still running.
del rt, model
gc.collect()
dist.destroy_process_group()
