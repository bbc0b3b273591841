"""A user's own loop around RangeTest: dict batches and a model that computes its own loss (Hugging Face
style), gradient accumulation over 2 micro-batches, gradient clipping, two parameter groups with a 1:10
ratio, AdamW with a real state. Usage: user_loop.py OUT_DIR ok|raise. Prints one JSON line."""

import json
import sys

import torch
from torch import nn

from cyclical_lr import RangeTest
from state_digest import state_digest

out_dir, mode = sys.argv[1], sys.argv[2]
torch.manual_seed(0)


class Output(dict):
    """What a Hugging Face model returns: attributes and keys."""

    __getattr__ = dict.__getitem__


class TinyClassifier(nn.Module):
    def __init__(self, vocab=50, dim=16, classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.body = nn.Sequential(nn.Linear(dim, dim), nn.LayerNorm(dim), nn.GELU())
        self.head = nn.Linear(dim, classes)

    def forward(self, input_ids, attention_mask, labels=None):
        hidden = self.body(self.embed(input_ids))
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        logits = self.head(pooled)
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return Output(loss=loss, logits=logits)


def batches():
    while True:
        ids = torch.randint(0, 50, (16, 12))
        yield {"input_ids": ids, "attention_mask": (torch.rand(16, 12) > 0.2).long(), "labels": ids[:, 0] % 3}


model = TinyClassifier()
optimizer = torch.optim.AdamW(
    [
        {"params": list(model.embed.parameters()) + list(model.body.parameters()), "lr": 1e-4},
        {"params": model.head.parameters(), "lr": 1e-3},
    ],
    weight_decay=0.01,
)
# A real step first, so that AdamW has moments to restore.
model(**next(batches())).loss.backward()
optimizer.step()
optimizer.zero_grad()
before = state_digest(model, optimizer)

error = None
seen_lrs = []
try:
    with RangeTest(optimizer, model=model, start_lr=1e-5, end_lr=10, iterations=80, out=out_dir) as rt:
        stream = batches()
        for step in range(1000):
            seen_lrs.append([g["lr"] for g in optimizer.param_groups])
            total = 0.0
            for _ in range(2):
                loss = model(**next(stream)).loss
                (loss / 2).backward()
                total += loss.item() / 2
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
            if mode == "raise" and step == 30:
                raise RuntimeError("the data pipeline broke at step 30")
            if rt.step(total):
                break
except RuntimeError as exc:
    error = str(exc)

print(
    json.dumps(
        {
            "restored": state_digest(model, optimizer) == before,
            "groupLrsAfter": [g["lr"] for g in optimizer.param_groups],
            "seenLrs": seen_lrs,
            "path": rt.path,
            "stopReason": rt.stop_reason,
            "steps": len(rt.losses),
            "suggestion": rt.suggestion.to_json() if rt.suggestion else None,
            "error": error,
        }
    )
)
