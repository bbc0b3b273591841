"""A range test in a DistributedDataParallel script. Start it like any DDP script:

    torchrun --nproc_per_node=2 examples/cyclical_lr/ddp_torchrun.py

(or SLURM, Lightning, Accelerate: anything that initializes torch.distributed). RangeTest averages the loss
over the ranks every step, sets the same rate on every rank, stops every rank at the same step, and only
rank 0 writes the run file. The two lines that a DDP training script needs are marked below.
"""

import gc

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from cyclical_lr import RangeTest  # (1) the import

dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
rank = dist.get_rank()
device = torch.device("cuda", rank % torch.cuda.device_count()) if torch.cuda.is_available() else torch.device("cpu")

torch.manual_seed(0)
weights = torch.randn(20, 5)
inputs = torch.randn(4096, 20)
dataset = TensorDataset(inputs, (inputs @ weights).argmax(1))
sampler = DistributedSampler(dataset)
loader = DataLoader(dataset, batch_size=32, sampler=sampler)
model = DistributedDataParallel(nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 5)).to(device))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()

with RangeTest(optimizer, model=model, start_lr=1e-5, end_lr=10, iterations=150, name="ddp") as rt:  # (2) the with
    done = False
    for epoch in range(1000):
        sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x.to(device)), y.to(device))
            loss.backward()
            optimizer.step()
            if rt.step(loss):  # ...and this call: True on every rank at the same step
                done = True
                break
        if done:
            break

print("rank %d: %s after %d steps; suggestion %s" % (rank, rt.stop_reason, len(rt.losses), rt.suggestion))
if rank == 0:
    print("run file:", rt.path)
# The DDP model (and the RangeTest, which holds it) keeps the process group alive after
# destroy_process_group(): gloo's threads would then outlive it into Python's shutdown, where one that
# still drops a tensor aborts the process ("terminate called without an active exception", torch 1.13 on
# Python 3.11). Released first, the group is closed here, while Python is still running.
del rt, model
gc.collect()
dist.destroy_process_group()
