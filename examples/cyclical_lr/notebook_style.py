# %% [markdown]
# # A range test from a notebook
# Run the cells one by one (VS Code's Interactive Window, or paste them into Jupyter). The curve appears
# live in the Cyclical LR panel while the second cell runs; the third turns the suggestion into a schedule.

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cyclical_lr import RangeTest

torch.manual_seed(0)
x = torch.randn(3000, 10)
y = (x[:, :3].sum(1, keepdim=True) > 0).float()
train = DataLoader(TensorDataset(x[:2500], y[:2500]), batch_size=64, shuffle=True)
val = DataLoader(TensorDataset(x[2500:], y[2500:]), batch_size=500)
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

# %%
rt = RangeTest.run(model, train, nn.BCEWithLogitsLoss(), optimizer, val_loader=val, val_every=10,
                   start_lr=1e-5, end_lr=10, iterations=120, name="notebook")
print(rt.stop_reason, rt.suggestion)

# %%
# The model and the optimizer are as they were before the test: train with the suggested bounds.
s = rt.suggestion
scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=s.base_lr, max_lr=s.max_lr, step_size_up=200)
print("CyclicLR from %.3g to %.3g" % (s.base_lr, s.max_lr))
