"""A range test in your own loop, with a model that takes dict batches and returns its own loss, the way
Hugging Face transformers models do (a tiny one here: nothing to download). Gradient accumulation,
clipping, AMP when CUDA is there, and two parameter groups (no weight decay on biases and norms).

    python examples/cyclical_lr/hf_style_model.py

The run appears live in the Cyclical LR panel (it is written to .cyclical-lr/runs/ in the working folder).
"""

import torch
from torch import nn

from cyclical_lr import RangeTest

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class ModelOutput(dict):
    __getattr__ = dict.__getitem__


class TinyTextClassifier(nn.Module):
    """forward(input_ids, attention_mask, labels) -> output.loss, output.logits, like AutoModelForSequenceClassification."""

    def __init__(self, vocab_size=100, dim=32, num_labels=2):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, dim)
        self.encoder = nn.Sequential(nn.Linear(dim, dim), nn.LayerNorm(dim), nn.GELU())
        self.classifier = nn.Linear(dim, num_labels)

    def forward(self, input_ids, attention_mask, labels=None):
        hidden = self.encoder(self.embeddings(input_ids))
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        logits = self.classifier((hidden * mask).sum(1) / mask.sum(1).clamp(min=1))
        loss = nn.functional.cross_entropy(logits.float(), labels) if labels is not None else None
        return ModelOutput(loss=loss, logits=logits)


def batches(batch_size=16, length=20):
    """Dict batches, as a tokenizer and a DataCollator produce them: the label is whether token 7 occurs."""
    while True:
        input_ids = torch.randint(0, 100, (batch_size, length))
        yield {
            "input_ids": input_ids,
            "attention_mask": torch.ones(batch_size, length, dtype=torch.long),
            "labels": (input_ids == 7).any(1).long(),
        }


model = TinyTextClassifier().to(device)
no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "encoder.1" in n]
decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "encoder.1" in n)]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
use_amp = device.type == "cuda"
scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
accumulation_steps = 2

with RangeTest(optimizer, model=model, start_lr=1e-6, end_lr=100, iterations=100, name="hf-style") as rt:
    stream = batches()
    while True:
        total = 0.0
        for _ in range(accumulation_steps):
            batch = {k: v.to(device) for k, v in next(stream).items()}
            with torch.autocast(device_type=device.type, enabled=use_amp):
                loss = model(**batch).loss
            scaler.scale(loss / accumulation_steps).backward()
            total += loss.item() / accumulation_steps
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        if rt.step(total):
            break

print("stopped:", rt.stop_reason, "after", len(rt.losses), "steps")
print("suggestion:", rt.suggestion)
print("run file:", rt.path)
