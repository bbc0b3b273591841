"""A stand-in for PyTorch Lightning (not installed here) that trains a LightningModule the way Lightning's
automatic optimization does for what the corpus needs: it reads configure_optimizers' return value (an
optimizer, or {"optimizer", "lr_scheduler": {"scheduler", "interval", "frequency"}}), then per batch runs
training_step, backward, on_before_optimizer_step, optimizer.step(), and steps the scheduler every
`frequency` optimizer steps when "interval" is "step" (after each epoch when it is "epoch", Lightning's default).
It refuses return shapes it does not know, so a wrong shape fails the test instead of passing silently.
"""
import torch


class LightningModule(torch.nn.Module):
    def log(self, *args, **kwargs):
        pass

    def on_before_optimizer_step(self, optimizer):
        pass


def _unpack(config):
    if isinstance(config, torch.optim.Optimizer):
        return config, None, "epoch", 1
    if isinstance(config, dict) and set(config) <= {"optimizer", "lr_scheduler", "monitor"}:
        scheduler = config.get("lr_scheduler")
        if scheduler is None:
            return config["optimizer"], None, "epoch", 1
        if isinstance(scheduler, dict):
            unknown = set(scheduler) - {"scheduler", "interval", "frequency", "name", "monitor", "strict"}
            if unknown:
                raise ValueError("unknown lr_scheduler keys %s" % sorted(unknown))
            interval = scheduler.get("interval", "epoch")
            if interval not in ("step", "epoch"):
                raise ValueError("interval must be 'step' or 'epoch', got %r" % interval)
            return config["optimizer"], scheduler["scheduler"], interval, scheduler.get("frequency", 1)
        return config["optimizer"], scheduler, "epoch", 1
    raise ValueError("configure_optimizers returned an unsupported shape: %r" % (config,))


class Trainer:
    def __init__(self, max_epochs=1, **kwargs):
        self.max_epochs = max_epochs

    def fit(self, model, train_dataloaders=None, **kwargs):
        model.trainer = self
        optimizer, scheduler, interval, frequency = _unpack(model.configure_optimizers())
        steps = 0
        for _epoch in range(self.max_epochs):
            model.train()
            for batch_idx, batch in enumerate(train_dataloaders):
                loss = model.training_step(batch, batch_idx)
                optimizer.zero_grad()
                loss.backward()
                model.on_before_optimizer_step(optimizer)
                optimizer.step()
                steps += 1
                if scheduler is not None and interval == "step" and steps % frequency == 0:
                    scheduler.step()
            if scheduler is not None and interval == "epoch":
                scheduler.step()
