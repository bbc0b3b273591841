"""RangeTest: a learning-rate range test inside the user's own training loop (PyTorch)."""

import contextlib

from .recorder import Recorder, loss_number
from .state import SavedState


class RangeTest:
    """Sweeps the learning rate of `optimizer` from `start_lr` to `end_lr` over `iterations` steps of the
    caller's loop, one `step(loss)` per optimizer step, and writes the run file the extension plots. The
    defaults are the extension's (1e-6 to 10 over 200 steps, ~28 per decade, so that the fall the bounds are
    read from spans enough points; EMA 0.9 for the divergence stop and the live plot).

        with RangeTest(optimizer, model=model) as rt:
            for batch in loader:
                loss = ...; loss.backward(); optimizer.step(); optimizer.zero_grad()
                if rt.step(loss):
                    break
        print(rt.suggestion)

    Every parameter group keeps its ratio to the group with the largest rate (discriminative rates); the
    rate the run file and the suggestion speak of is that largest one. On exit the model's and optimizer's
    state and torch's RNG are put back as they were (restore=True; copies are kept on the CPU). Under
    torch.distributed the loss is averaged over the ranks every step, every rank sets the same rate and
    stops at the same step, and only rank 0 writes the run file.
    """

    def __init__(
        self,
        optimizer,
        model=None,
        start_lr=1e-6,
        end_lr=10.0,
        iterations=200,
        step_mode="exp",
        smoothing=0.9,
        diverge=4.0,
        restore=True,
        out=None,
        name=None,
        write=True,
        _extra_config=None,
    ):
        import torch

        if not hasattr(optimizer, "param_groups"):
            raise TypeError("RangeTest needs a torch.optim.Optimizer, not %s" % type(optimizer).__name__)
        self._torch = torch
        self.optimizer = optimizer
        self.model = model
        initial = [float(group["lr"]) for group in optimizer.param_groups]
        largest = max(initial)
        self._initial_lrs = initial
        self.ratios = [lr / largest if largest > 0 else 1.0 for lr in initial]
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
        self._dist = torch.distributed if distributed else None
        self.rank = self._dist.get_rank() if distributed else 0
        self.world_size = self._dist.get_world_size() if distributed else 1
        self._saved = SavedState(torch, model, optimizer) if restore else None
        self._recorder = Recorder(
            start_lr,
            end_lr,
            iterations,
            step_mode,
            smoothing,
            diverge,
            framework="pytorch",
            framework_version=torch.__version__,
            world_size=self.world_size,
            groups=[{"lr": lr, "ratio": r} for lr, r in zip(initial, self.ratios)],
            out=out,
            name=name,
            write=write and self.rank == 0,
            extra_config=_extra_config,
        )
        self._closed = False
        self._set_lr(self._recorder.next_lr())

    # ---------------------------------------------------------------------------------------- the loop

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(exc)
        return False

    def step(self, loss, val_loss=None):
        """Records the loss of the optimizer step just taken (a tensor or a number) and sets the next
        learning rate. Returns True when the range test is over: the sweep ended, the loss diverged or
        became NaN/inf. The same on every rank under torch.distributed."""
        if self._closed:
            raise RuntimeError("RangeTest.step() after the range test was closed")
        if self._recorder.stop_reason is not None:
            return True
        group_lrs = [float(group["lr"]) for group in self.optimizer.param_groups]
        value = self._mean_over_ranks(loss)
        if val_loss is not None:
            val_loss = self._mean_over_ranks(val_loss)
        stop = self._recorder.record(value, group_lrs, val_loss)
        if not stop:
            self._set_lr(self._recorder.next_lr())
        return stop

    def close(self, error=None):
        """Puts the state back and ends the run file (with the error, if the loop raised)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._saved is not None:
                self._saved.restore(self._torch, self.model, self.optimizer)
            else:
                for group, lr in zip(self.optimizer.param_groups, self._initial_lrs):
                    group["lr"] = lr
        finally:
            self._recorder.finish(error)

    def _set_lr(self, lr):
        for group, ratio in zip(self.optimizer.param_groups, self.ratios):
            group["lr"] = lr * ratio

    def _mean_over_ranks(self, loss):
        torch = self._torch
        if isinstance(loss, torch.Tensor) and loss.numel() != 1:
            raise ValueError("RangeTest.step() needs the scalar loss, got a tensor of shape %s" % (tuple(loss.shape),))
        if self._dist is None:
            return loss_number(loss)
        # One all-reduce of one scalar: every rank gets the same sum, hence the same rate and stop decision.
        if isinstance(loss, torch.Tensor):
            total = loss.detach().reshape(1).to(torch.float64)
        else:
            device = torch.device("cuda", torch.cuda.current_device()) if self._dist.get_backend() == "nccl" else "cpu"
            total = torch.tensor([loss_number(loss)], dtype=torch.float64, device=device)
        self._dist.all_reduce(total, op=self._dist.ReduceOp.SUM)
        return total.item() / self.world_size

    # ----------------------------------------------------------------------------------------- results

    @property
    def suggestion(self):
        """The suggested bounds (None until the range test is closed, or when the curve is too short)."""
        return self._recorder.suggestion

    @property
    def suggestion_error(self):
        """Why there is no suggestion, when there is none after closing."""
        return self._recorder.suggestion_error

    @property
    def stop_reason(self):
        return self._recorder.stop_reason

    @property
    def lrs(self):
        return list(self._recorder.lrs)

    @property
    def losses(self):
        return list(self._recorder.losses)

    @property
    def path(self):
        """The run file (None on ranks other than 0, or with write=False)."""
        return self._recorder.path

    # ------------------------------------------------------------------------------- the plain loop

    @classmethod
    def run(
        cls,
        model,
        loader,
        loss_fn,
        optimizer,
        accumulate=1,
        clip_grad_norm=None,
        amp=False,
        val_loader=None,
        val_every=10,
        device=None,
        **options
    ):
        """The range test with a standard loop. `loader` yields (inputs, targets) pairs, with
        loss_fn(model(inputs), targets); or, with loss_fn=None, batches the model computes its own loss
        from (a dict: model(**batch).loss, as Hugging Face models do). Returns the closed RangeTest."""
        torch = __import__("torch")
        if not isinstance(accumulate, int) or accumulate < 1:
            raise ValueError("accumulate must be an integer >= 1, but got %r" % (accumulate,))
        device = torch.device(device) if device is not None else next(model.parameters()).device
        extra = {"accumulate": accumulate, "clipGradNorm": clip_grad_norm, "amp": bool(amp)}
        rt = cls(optimizer, model=model, _extra_config=extra, **options)
        with rt:
            scaler = _grad_scaler(torch) if amp and device.type == "cuda" else None
            batches = _EndlessBatches(loader)
            model.train()
            while True:
                optimizer.zero_grad(set_to_none=True)
                total = 0.0
                for _ in range(accumulate):
                    batch = _move_to(torch, batches.next(), device)
                    with _autocast(torch, device, amp):
                        loss = batch_loss(model, batch, loss_fn)
                    scaled = loss / accumulate
                    (scaler.scale(scaled) if scaler is not None else scaled).backward()
                    total = total + loss.detach().float()
                if clip_grad_norm is not None:
                    if scaler is not None:
                        scaler.unscale_(optimizer)
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
                if scaler is not None:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                val = None
                if val_loader is not None and val_every > 0 and (rt._recorder.steps + 1) % val_every == 0:
                    val = _validation_loss(torch, model, val_loader, loss_fn, device, amp)
                if rt.step(total / accumulate, val_loss=val):
                    break
        return rt


def batch_loss(model, batch, loss_fn):
    if loss_fn is None:
        output = model(**batch) if isinstance(batch, dict) else model(batch)
        loss = getattr(output, "loss", None)
        if loss is None and isinstance(output, dict):
            loss = output.get("loss")
        if loss is None:
            raise ValueError("loss_fn=None needs a model that returns its loss (output.loss or output['loss'])")
        return loss
    if not (isinstance(batch, (list, tuple)) and len(batch) == 2):
        raise ValueError("the loader yields %s; with a loss_fn it must yield (inputs, targets) pairs" % type(batch).__name__)
    inputs, targets = batch
    if isinstance(inputs, dict):
        output = model(**inputs)
    elif isinstance(inputs, (list, tuple)):
        output = model(*inputs)
    else:
        output = model(inputs)
    return loss_fn(output, targets)


def _move_to(torch, value, device):
    if isinstance(value, torch.Tensor):
        return value.to(device, non_blocking=True)
    if isinstance(value, dict):
        return type(value)((k, _move_to(torch, v, device)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        moved = [_move_to(torch, v, device) for v in value]
        return type(value)(*moved) if hasattr(value, "_fields") else type(value)(moved)
    return value


def _autocast(torch, device, amp):
    return torch.autocast(device_type=device.type) if amp else contextlib.nullcontext()


def _grad_scaler(torch):
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()


def _validation_loss(torch, model, val_loader, loss_fn, device, amp):
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in val_loader:
            with _autocast(torch, device, amp):
                total += float(batch_loss(model, _move_to(torch, batch, device), loss_fn))
            count += 1
    model.train(was_training)
    return total / count if count else float("nan")


class _EndlessBatches:
    """Cycles through the loader for as many epochs as the sweep needs."""

    def __init__(self, loader):
        self.loader = loader
        self.iterator = iter(loader)
        self.served_this_pass = 0

    def next(self):
        try:
            batch = next(self.iterator)
        except StopIteration:
            if self.served_this_pass == 0:
                raise ValueError("the loader yields no batches (empty, or a used-up generator)")
            self.iterator = iter(self.loader)
            self.served_this_pass = 0
            return self.next()
        self.served_this_pass += 1
        return batch
