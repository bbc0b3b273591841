"""A complete example for "Cyclical LR: Run Range Test on PyTorch Model…" (or `clr range-test --pytorch`).

The range test imports this file (with __name__ != "__main__") and reads the names it defines:

    model         a torch.nn.Module                                        (required)
    train_loader  an iterable of (inputs, targets) batches, e.g. a DataLoader (required)
    criterion     loss = criterion(model(inputs), targets)                 (required)
    optimizer     a torch.optim.Optimizer over model.parameters()          (optional: SGD with momentum otherwise)
    val_loader    batches for the validation loss (--val-every k)          (optional)

Instead of top-level names, a file may define `setup()` returning a dict with those keys; use that when building
them is expensive or has side effects you only want during the test. The training block under
`if __name__ == "__main__":` is not run by the range test; the model and the optimizer are restored afterwards.

The data here is synthetic (no download): 4,000 points in 20 dimensions, 4 classes given by a fixed random
linear map plus noise, so that a learning rate that is too small or too large is clearly visible.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

FEATURES, CLASSES, ROWS = 20, 4, 4000
_weights = torch.randn(FEATURES, CLASSES)
_inputs = torch.randn(ROWS, FEATURES)
_targets = (_inputs @ _weights + 0.5 * torch.randn(ROWS, CLASSES)).argmax(dim=1)
_train = TensorDataset(_inputs[:3200], _targets[:3200])
_val = TensorDataset(_inputs[3200:], _targets[3200:])

model = nn.Sequential(
    nn.Linear(FEATURES, 64),
    nn.ReLU(),
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, CLASSES),
)
train_loader = DataLoader(_train, batch_size=64, shuffle=True)
val_loader = DataLoader(_val, batch_size=256)
criterion = nn.CrossEntropyLoss()
# The range test sets this optimizer's learning rate at every step; its other settings (momentum, weight
# decay) are the ones you train with, which is why the test should use it.
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def train(epochs=5):
    for epoch in range(epochs):
        model.train()
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val = sum(criterion(model(x), y).item() for x, y in val_loader) / len(val_loader)
        print("epoch %d: validation loss %.4f" % (epoch + 1, val))


if __name__ == "__main__":
    train()
