"""The range test on a user's own PyTorch model that the Cyclical LR extension runs (the Python bridge:
src/worker/pytorchBridge.ts). Started as python/clr_torch_runner.py, which imports this module.

Usage: python clr_torch_runner.py [CONFIG_JSON]   (or the config as one JSON line on stdin)
The config: {"file", "lrs", "smoothing", "diverge", "valEvery", "accumulate", "device", "amp",
              "optimizer", "momentum", "weightDecay", "readEvery"}

The protocol goes to a private file descriptor, $CLR_PROTOCOL_FD (the extension passes fd 3), one JSON
object per line, so that nothing the user's code prints (to sys.stdout, sys.__stdout__ or fd 1 from C)
can corrupt it; without that variable it goes to stdout and the user's prints to stderr:
  {"type": "hello", "torch", "python"}
  {"type": "started", "device", "dataset": {...}}
  {"type": "progress", "points": [{"step", "lr", "loss", "smoothed", "valLoss"?}, ...]}
  {"type": "result", "stopReason", "stoppedAt", "steps", "seconds"}
  {"type": "error", "kind", "message", "hint"?, "file"?, "line"?, "traceback"?}

When the config comes on a stdin pipe, the parent keeps that pipe open for as long as it wants the run:
end of file on it (the parent died, or let go) ends the whole process group (DataLoader workers too).

The user's file defines `model`, `train_loader`, `criterion` and optionally `optimizer` and `val_loader`,
either at the top level or as the keys of the dict returned by a function `setup()`. The file runs with
`__name__ != "__main__"`, so an `if __name__ == "__main__":` training block is not executed.

The model, the optimizer and torch's RNG are restored to their state before the test; the copies are kept
on the CPU so that a GPU model is never held twice in GPU memory. Nothing is written next to the user's
file (no __pycache__).
"""

import contextlib
import json
import math
import os
import signal
import stat
import sys
import threading
import time
import traceback

from .state import SavedState
from .sweep import SmoothedLoss

sys.dont_write_bytecode = True

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
RUNNER_FILE = os.path.join(os.path.dirname(PACKAGE_DIR), "clr_torch_runner.py")
PROTOCOL_FD_ENV = "CLR_PROTOCOL_FD"
SETUP_FUNCTION = "setup"
REQUIRED_NAMES = ("model", "train_loader", "criterion")
OPTIONAL_NAMES = ("optimizer", "val_loader")
CONVENTION_HINT = (
    "define `model`, `train_loader` and `criterion` (optionally `optimizer`, `val_loader`) at the top level "
    "of the file, or return them as a dict from a function `setup()`"
)


class RunnerError(Exception):
    """A problem the user can fix; becomes one error line on stdout."""

    def __init__(self, kind, message, hint=None, file=None, line=None, trace=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line
        self.trace = trace

    def to_json(self):
        event = {"type": "error", "kind": self.kind, "message": self.message}
        for key, value in (("hint", self.hint), ("file", self.file), ("line", self.line), ("traceback", self.trace)):
            if value is not None:
                event[key] = value
        return event


class JsonLines:
    """Writes protocol events; flushes so the extension sees them as they happen."""

    def __init__(self, stream):
        self.stream = stream

    def emit(self, event):
        self.stream.write(json.dumps(event, allow_nan=False) + "\n")
        self.stream.flush()


# ---------------------------------------------------------------------------------------------- user code


def _is_library_frame(filename):
    path = os.path.abspath(filename)
    if path == RUNNER_FILE or path.startswith(PACKAGE_DIR + os.sep) or filename.startswith("<frozen"):
        return True
    lowered = filename.replace("\\", "/")
    if "/site-packages/" in lowered or "/dist-packages/" in lowered:
        return True
    prefixes = {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix) if p}
    stdlib = os.path.dirname(os.__file__)
    return os.path.abspath(filename).startswith(stdlib + os.sep) or any(
        os.path.abspath(filename).startswith(os.path.join(p, "lib") + os.sep) for p in prefixes
    )


def user_frames(exc):
    """The traceback frames that belong to the user's code (not the runner's, torch's or the stdlib's)."""
    return [f for f in traceback.extract_tb(exc.__traceback__) if not _is_library_frame(f.filename)]


def format_user_traceback(exc, frames):
    lines = ["Traceback (your code, most recent call last):"]
    for frame in frames:
        lines.append('  File "%s", line %s, in %s' % (frame.filename, frame.lineno, frame.name))
        if frame.line:
            lines.append("    " + frame.line.strip())
    lines.extend(traceback.format_exception_only(type(exc), exc)[-1:])
    return "\n".join(line.rstrip("\n") for line in lines)


def is_cuda_oom(torch, exc):
    oom_type = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower() and "cuda" in str(exc).lower()


def error_from_user_exception(torch, exc, phase, user_file):
    """Turns an exception raised while running the user's code into a RunnerError pointing at their line."""
    frames = user_frames(exc)
    where = frames[-1] if frames else None
    file = where.filename if where else user_file
    line = where.lineno if where else None
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
    trace = format_user_traceback(exc, frames)
    if torch is not None and is_cuda_oom(torch, exc):
        return RunnerError(
            "cuda-oom",
            "CUDA out of memory %s" % phase,
            hint="lower the batch size of train_loader (use --accumulate N to keep the effective batch), "
            "or run on the CPU with --device cpu",
            file=file,
            line=line,
            trace=trace,
        )
    return RunnerError("user-code", "%s %s" % (summary, phase), file=file, line=line, trace=trace)


def load_user_objects(torch, user_file):
    """Runs the user's file and returns the dict of the names it defines (or that its setup() returns)."""
    import runpy

    if not os.path.isfile(user_file):
        raise RunnerError("bad-config", "file not found: %s" % user_file, hint="pick an existing Python file")
    directory = os.path.dirname(os.path.abspath(user_file))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    try:
        namespace = runpy.run_path(user_file, run_name="__clr_range_test__")
    except SystemExit as exc:
        raise RunnerError(
            "user-code",
            "the file called exit(%s) while loading" % (exc.code,),
            hint="keep the training script's entry point under `if __name__ == \"__main__\":`",
            file=user_file,
        )
    except BaseException as exc:  # noqa: BLE001 - the user's code may raise anything
        raise error_from_user_exception(torch, exc, "while loading the file", user_file)
    setup = namespace.get(SETUP_FUNCTION)
    if callable(setup) and not all(name in namespace for name in REQUIRED_NAMES):
        try:
            built = setup()
        except BaseException as exc:  # noqa: BLE001
            raise error_from_user_exception(torch, exc, "in setup()", user_file)
        if not isinstance(built, dict):
            raise RunnerError(
                "missing-name",
                "setup() returned %s, not a dict" % type(built).__name__,
                hint="return a dict with the keys 'model', 'train_loader', 'criterion' (optionally 'optimizer', 'val_loader')",
                file=user_file,
            )
        source, where = built, "the dict returned by setup()"
    else:
        source, where = namespace, "the file"
    missing = [name for name in REQUIRED_NAMES if source.get(name) is None]
    if missing:
        names = ", ".join("`%s`" % n for n in missing)
        raise RunnerError(
            "missing-name",
            "%s does not define %s" % (where, names),
            hint=CONVENTION_HINT,
            file=user_file,
        )
    return {name: source.get(name) for name in REQUIRED_NAMES + OPTIONAL_NAMES}


def check_objects(torch, objects, user_file):
    model, loader, criterion, optimizer = (objects[k] for k in ("model", "train_loader", "criterion", "optimizer"))
    if not isinstance(model, torch.nn.Module):
        raise RunnerError("bad-object", "`model` is a %s, not a torch.nn.Module" % type(model).__name__, file=user_file)
    if not callable(criterion):
        raise RunnerError("bad-object", "`criterion` is not callable", hint="e.g. criterion = nn.CrossEntropyLoss()", file=user_file)
    if not hasattr(loader, "__iter__"):
        raise RunnerError("bad-object", "`train_loader` is not iterable", hint="use a torch.utils.data.DataLoader", file=user_file)
    if objects["val_loader"] is not None and not hasattr(objects["val_loader"], "__iter__"):
        raise RunnerError("bad-object", "`val_loader` is not iterable", hint="use a torch.utils.data.DataLoader", file=user_file)
    if not any(p.requires_grad for p in model.parameters()):
        raise RunnerError("bad-object", "`model` has no trainable parameters", file=user_file)
    if optimizer is not None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise RunnerError("bad-object", "`optimizer` is a %s, not a torch.optim.Optimizer" % type(optimizer).__name__, file=user_file)
        model_params = {id(p) for p in model.parameters()}
        if not any(id(p) in model_params for group in optimizer.param_groups for p in group["params"]):
            raise RunnerError(
                "bad-object",
                "`optimizer` does not optimize any parameter of `model`",
                hint="build it from model.parameters()",
                file=user_file,
            )


# ------------------------------------------------------------------------------------------------ state


# -------------------------------------------------------------------------------------------- the sweep


def make_optimizer(torch, model, name, momentum, weight_decay, lr):
    params = [p for p in model.parameters() if p.requires_grad]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    raise RunnerError("bad-config", "unknown optimizer '%s'" % name, hint="one of sgd, momentum, nesterov, adam, adamw, rmsprop")


def resolve_device(torch, choice):
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise RunnerError("bad-config", "--device cuda: CUDA is not available to this PyTorch", hint="use --device cpu or auto")
    if choice not in ("cpu", "cuda"):
        raise RunnerError("bad-config", "unknown device '%s'" % choice, hint="one of cpu, cuda, auto")
    return torch.device(choice)


def move_to(torch, value, device):
    if isinstance(value, torch.Tensor):
        return value.to(device, non_blocking=True)
    if isinstance(value, dict):
        return {k: move_to(torch, v, device) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        moved = [move_to(torch, v, device) for v in value]
        return type(value)(*moved) if hasattr(value, "_fields") else type(value)(moved)
    return value


def split_batch(batch):
    """A batch is (inputs, targets); inputs may be a tensor, a tuple of tensors (model(*x)) or a dict (model(**x))."""
    if isinstance(batch, (list, tuple)) and len(batch) == 2:
        return batch[0], batch[1]
    raise RunnerError(
        "bad-object",
        "train_loader yields %s; expected (inputs, targets) pairs" % type(batch).__name__,
        hint="make the loader yield (inputs, targets)",
    )


def call_model(model, inputs):
    if isinstance(inputs, dict):
        return model(**inputs)
    if isinstance(inputs, (list, tuple)):
        return model(*inputs)
    return model(inputs)


class EndlessBatches:
    """Cycles through the loader as many epochs as the sweep needs."""

    def __init__(self, loader):
        self.loader = loader
        self.iterator = iter(loader)
        self.fresh = True
        self.served = 0

    def next(self):
        try:
            batch = next(self.iterator)
            self.fresh = False
            self.served += 1
            return batch
        except StopIteration:
            if self.fresh and self.served == 0:
                raise RunnerError("bad-object", "train_loader is empty", hint="check its dataset and batch size")
            if self.fresh:
                raise RunnerError(
                    "bad-object",
                    "train_loader ran out after %d batches and yields nothing when iterated again" % self.served,
                    hint="use a DataLoader (or any re-iterable), not a generator, or lower the iterations",
                )
            self.iterator = iter(self.loader)
            self.fresh = True
            return self.next()


def describe_dataset(torch, loader, criterion, user_file, first_batch):
    warnings = []
    rows = 0
    dataset = getattr(loader, "dataset", None)
    try:
        rows = len(dataset) if dataset is not None else 0
    except TypeError:
        pass
    if rows == 0:
        warnings.append("train_loader has no sized dataset: rows unknown")
    inputs, _ = split_batch(first_batch)
    input_shape = list(inputs.shape[1:]) if isinstance(inputs, torch.Tensor) else []
    features = int(math.prod(input_shape)) if input_shape else 0
    regression = (torch.nn.MSELoss, torch.nn.L1Loss, torch.nn.SmoothL1Loss, torch.nn.HuberLoss)
    task = "regression" if isinstance(criterion, regression) else "classification"
    # At most a thousand names: the protocol's lines are bounded.
    classes = [str(c) for c in list(getattr(dataset, "classes", []))[:1000]] if task == "classification" else []
    return {
        "path": user_file,
        "format": "pytorch",
        "rows": rows,
        "features": features,
        "featureNames": [],
        "inputShape": input_shape,
        "target": "targets",
        "task": task,
        "classes": classes,
        "warnings": warnings,
        "batchSize": getattr(loader, "batch_size", None) or 0,
    }


def validation_loss(torch, model, criterion, val_loader, device, amp):
    model.eval()
    total = torch.zeros((), device=device)
    count = 0
    with torch.no_grad():
        for batch in val_loader:
            inputs, targets = split_batch(batch)
            inputs, targets = move_to(torch, inputs, device), move_to(torch, targets, device)
            with autocast(torch, device, amp):
                total += criterion(call_model(model, inputs), targets).detach().float()
            count += 1
    model.train()
    return float(total.item()) / count if count else float("nan")


def autocast(torch, device, amp):
    # A disabled autocast context still costs a few microseconds per step: none at all when AMP is off.
    return torch.autocast(device_type=device.type) if amp else contextlib.nullcontext()


def grad_scaler(torch):
    # torch.amp.GradScaler("cuda") replaces torch.cuda.amp.GradScaler (deprecated in torch 2.x, absent before).
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()


def finite_or_none(x):
    return x if math.isfinite(x) else None


class Curve:
    """The loss curve as it grows, with the stop rules of the package (the same as the built-in engine's)."""

    def __init__(self, beta, diverge, user_file):
        self.loss = SmoothedLoss(beta, diverge)
        self.user_file = user_file
        self.stop = None  # (reason, index of the last point kept)
        self.points = []
        self.unsent = []

    def add(self, step, lr, loss, val_loss=None):
        if self.stop is not None:
            return
        smoothed, stop = self.loss.add(loss)
        if smoothed is None:
            if step == 0:
                raise RunnerError(
                    "non-finite-start",
                    "the loss is %s from the first step (lr %.3g)" % (loss, lr),
                    hint="check for NaN or infinite inputs/targets, or lower start_lr",
                    file=self.user_file,
                )
            self.stop = ("non-finite", step - 1)
            return
        point = {"step": step, "lr": lr, "loss": loss, "smoothed": smoothed}
        if val_loss is not None:
            point["valLoss"] = val_loss
        self.points.append(point)
        self.unsent.append(point)
        if stop is not None:
            self.stop = (stop, step)

    def flush(self, emit):
        if self.unsent:
            emit({"type": "progress", "points": self.unsent})
            self.unsent = []


def range_test(torch, objects, config, emit, user_file="<model>"):
    """Runs the sweep and calls emit() with progress events; returns the result event."""
    model, loader, criterion = objects["model"], objects["train_loader"], objects["criterion"]
    val_loader, optimizer = objects.get("val_loader"), objects.get("optimizer")
    lrs = [float(x) for x in config["lrs"]]
    beta = float(config.get("smoothing", 0.9))
    diverge = float(config.get("diverge", 4))
    val_every = int(config.get("valEvery", 0))
    accumulate = max(1, int(config.get("accumulate", 1)))
    amp = bool(config.get("amp", False))
    device = resolve_device(torch, config.get("device", "auto"))
    # On CUDA a read-back synchronizes the stream: losses stay on the device and are read every k steps.
    # On the CPU .item() costs nothing of the kind, and each loss is read at once.
    read_every = max(1, int(config.get("readEvery", 16)))
    deferred_reads = device.type != "cpu"

    original_device = next(model.parameters()).device
    saved = SavedState(torch, model, optimizer)
    own_optimizer = optimizer is None
    try:
        model.to(device)
        if own_optimizer:
            optimizer = make_optimizer(
                torch, model, config.get("optimizer", "momentum"), float(config.get("momentum", 0.9)),
                float(config.get("weightDecay", 0)), lrs[0],
            )
        # Loss scaling is for float16 on CUDA; without it the step is a plain optimizer.step().
        scaler = grad_scaler(torch) if amp and device.type == "cuda" else None
        batches = EndlessBatches(loader)
        model.train()

        curve = Curve(beta, diverge, user_file)
        pending = []  # (step, lr, loss tensor on the device), read back together
        val_losses = {}

        def read_pending():
            if pending:
                values = torch.stack([t for _, _, t in pending]).float().cpu().tolist()
                for (step, lr, _), loss in zip(pending, values):
                    curve.add(step, lr, loss, val_losses.pop(step, None))
                pending.clear()

        first = batches.next()
        dataset = describe_dataset(torch, loader, criterion, user_file, first)
        if val_every > 0 and val_loader is None:
            dataset["warnings"].append("val_every is set but the file defines no val_loader: no validation loss")
        emit({"type": "started", "device": str(device), "dataset": dataset})
        started = time.perf_counter()
        started_cpu = time.process_time()
        last_read = last_emit = time.monotonic()
        steps_run = 0
        for step, lr in enumerate(lrs):
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad(set_to_none=True)
            total = None
            for micro in range(accumulate):
                batch = first if first is not None else batches.next()
                first = None
                inputs, targets = split_batch(batch)
                inputs, targets = move_to(torch, inputs, device), move_to(torch, targets, device)
                if amp:
                    with autocast(torch, device, amp):
                        loss = criterion(call_model(model, inputs), targets)
                else:
                    loss = criterion(call_model(model, inputs), targets)
                scaled = loss / accumulate if accumulate > 1 else loss
                (scaler.scale(scaled) if scaler is not None else scaled).backward()
                detached = loss.detach()
                total = detached if total is None else total + detached
            if scaler is not None:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            steps_run += 1
            step_loss = total / accumulate if accumulate > 1 else total
            if val_every > 0 and (step + 1) % val_every == 0 and val_loader is not None:
                val_losses[step] = finite_or_none(validation_loss(torch, model, criterion, val_loader, device, amp))
            now = time.monotonic()
            if deferred_reads:
                pending.append((step, lr, step_loss))
                if len(pending) >= read_every or now - last_read > 0.25 or step == 0:
                    read_pending()
                    last_read = now
            else:
                curve.add(step, lr, step_loss.item(), val_losses.pop(step, None))
            if curve.stop is not None:
                break
            # Points go out in batches: a JSON line per step would cost more than the step on small models.
            if len(curve.unsent) >= 64 or now - last_emit > 0.1 or step == 0:
                curve.flush(emit)
                last_emit = now
        read_pending()
        curve.flush(emit)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - started_cpu
        stop_reason, stopped_at = curve.stop if curve.stop is not None else ("completed", len(curve.points) - 1)
        return {
            "type": "result",
            "stopReason": stop_reason,
            "stoppedAt": stopped_at,
            "steps": steps_run,
            "seconds": seconds,
            "cpuSeconds": cpu_seconds,
            "stepsPerSecond": steps_run / seconds if seconds > 0 else 0.0,
        }
    finally:
        saved.restore(torch, model, optimizer if not own_optimizer else None)
        model.to(original_device)


# ------------------------------------------------------------------------------------------------- main


def protocol_stream():
    """The private protocol stream: the fd named by $CLR_PROTOCOL_FD, else stdout (the user's prints then go
    to stderr). The variable is removed so that the user's own subprocesses do not write to that fd."""
    fd = os.environ.pop(PROTOCOL_FD_ENV, None)
    if fd is None:
        real_stdout = sys.stdout
        sys.stdout = sys.stderr
        return real_stdout
    fd = int(fd)
    os.set_inheritable(fd, False)
    return os.fdopen(fd, "w", encoding="utf-8", closefd=True)


def end_with_parent():
    """Ends the whole process group (this process and the DataLoader workers it started) when the parent
    closes our stdin: it died, or it wants the run over. Only when stdin is a pipe (Node.js passes a socket)."""

    # The raw descriptor, not sys.stdin.buffer: a daemon thread blocked in the buffered reader holds its lock,
    # and Python 3.11 aborts at exit when it cannot take that lock ("Fatal Python error:
    # _enter_buffered_busy", printed after every run). os.read holds no lock of Python's.
    fd = sys.stdin.fileno()

    def watch():
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            pass
        try:
            # Only a group of our own: started by anything else, the group may hold unrelated processes.
            if os.getpgrp() == os.getpid():
                os.killpg(os.getpgrp(), signal.SIGKILL)
        finally:
            os._exit(137)

    mode = os.fstat(sys.stdin.fileno()).st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        threading.Thread(target=watch, name="clr-parent-watch", daemon=True).start()


def main(argv):
    # The parent owns cancellation (SIGTERM); Ctrl-C in a terminal reaches this process too and must end it
    # quietly rather than print a KeyboardInterrupt traceback over the CLI's output.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    out = JsonLines(protocol_stream())
    torch = None
    user_file = None
    try:
        if len(argv) > 2:
            raise RunnerError("bad-config", "usage: clr_torch_runner.py [CONFIG_JSON]  (else one JSON line on stdin)")
        # stdin by default: a long sweep's learning rates would not fit in one command-line argument.
        if len(argv) == 2:
            config = json.loads(argv[1])
        else:
            config = json.loads(sys.stdin.buffer.readline().decode("utf-8"))
            end_with_parent()
        # The user's code reads nothing from the parent's pipe.
        sys.stdin = open(os.devnull, encoding="utf-8")
        user_file = os.path.abspath(config["file"])
        try:
            import torch  # noqa: F811
        except ImportError as exc:
            raise RunnerError(
                "torch-missing",
                "PyTorch is not installed for %s (%s)" % (sys.executable, exc),
                hint="install it (e.g. 'pip install torch', or on Debian/Ubuntu 'apt-get install python3-torch'), "
                "or choose an interpreter that has it",
            )
        objects = load_user_objects(torch, user_file)
        check_objects(torch, objects, user_file)
        out.emit({"type": "hello", "torch": torch.__version__, "python": sys.executable})
        try:
            result = range_test(torch, objects, config, out.emit, user_file)
        except RunnerError:
            raise
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise error_from_user_exception(torch, exc, "during the range test", user_file)
        out.emit(result)
        return 0
    except RunnerError as err:
        if err.file is None and user_file is not None and err.kind in ("missing-name", "bad-object", "non-finite-start"):
            err.file = user_file
        out.emit(err.to_json())
        return 3
    except Exception as exc:  # noqa: BLE001 - a bug of ours: report it, never hang
        out.emit({"type": "error", "kind": "internal", "message": "runner failed: %r" % (exc,), "traceback": traceback.format_exc()})
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
