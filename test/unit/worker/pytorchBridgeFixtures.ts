// Python files for the PyTorch bridge's tests, written into a temp dir (never into the repo).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../../../src/core/types';

export function fixtureDir(): string {
  return testTempDir('clr-pytorch-');
}

export function writeFixture(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

/** A small classification problem a 2-layer MLP learns quickly: the loss falls, then diverges at high lr. */
export const DATA = `
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
torch.manual_seed(0)
_w = torch.randn(16, 4)
_x = torch.randn(2048, 16)
_y = (_x @ _w).argmax(dim=1)
train_loader = DataLoader(TensorDataset(_x[:1536], _y[:1536]), batch_size=32, shuffle=True)
val_loader = DataLoader(TensorDataset(_x[1536:], _y[1536:]), batch_size=256)
criterion = nn.CrossEntropyLoss()
`;

export const MLP = `
model = nn.Sequential(nn.Linear(16, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 4))
`;

/**
 * Writes a digest of the model's and optimizer's state when the file is loaded and again when the
 * process exits (after the runner restored them), so that a test can compare the two.
 */
export const STATE_DIGEST = `
import atexit, hashlib, json, os
def _digest():
    h = hashlib.sha256()
    for k, v in model.state_dict().items():
        h.update(k.encode()); h.update(v.detach().cpu().numpy().tobytes())
    opt = optimizer.state_dict()
    for i, s in sorted(opt["state"].items()):
        for k, v in sorted(s.items()):
            h.update(("%s%s" % (i, k)).encode())
            h.update(v.detach().cpu().numpy().tobytes() if torch.is_tensor(v) else repr(v).encode())
    h.update(json.dumps(opt["param_groups"], sort_keys=True, default=str).encode())
    h.update(torch.get_rng_state().numpy().tobytes())
    h.update(str(model.training).encode())
    return h.hexdigest()
# One real step first, so that the optimizer has momentum buffers to restore.
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
_x0, _y0 = next(iter(train_loader))
criterion(model(_x0), _y0).backward(); optimizer.step(); optimizer.zero_grad()
model.eval()
_out = os.environ["CLR_TEST_DIGEST"]
with open(_out + ".before", "w") as f:
    f.write(_digest())
atexit.register(lambda: open(_out + ".after", "w").write(_digest()))
`;
import { testTempDir } from '../../support/tempDirs';

/** An interpreter that runs but cannot import torch (no site-packages), whatever the machine has. */
export function pythonWithoutTorch(dir: string, torchPython: string): string {
  const path = writeFixture(dir, 'python-without-torch', `#!/bin/sh\nexec ${torchPython} -S -E "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

export function sweepConfig(file: string, overrides: Partial<RangeTestConfig> = {}): RangeTestConfig {
  return {
    ...DEFAULT_RANGE_TEST_CONFIG,
    dataset: file,
    startLr: 1e-5,
    endLr: 100,
    iterations: 120,
    pytorch: { device: 'cpu', accumulate: 1, amp: false },
    ...overrides,
  };
}
