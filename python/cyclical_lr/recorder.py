"""What every range test here shares, whatever the framework: the planned learning rates, the recorded
curve, the stop decision, the run file and the suggestion at the end."""

import time

from .runfile import RunWriter, header, json_number, run_path
from .suggest import CurveError, suggest
from .sweep import SmoothedLoss, range_test_lrs

# Why a range test ended, as the run file's end line says it.
COMPLETED = "completed"  # every planned learning rate was tried
DIVERGED = "diverged"  # the smoothed loss exceeded `diverge` times its best
NON_FINITE = "non-finite"  # the loss became NaN or infinite
LOOP_ENDED = "loop-ended"  # the training loop stopped calling step() before the sweep ended
ERROR = "error"  # the training loop raised


class Recorder:
    def __init__(
        self,
        start_lr,
        end_lr,
        iterations,
        step_mode,
        smoothing,
        diverge,
        framework,
        framework_version=None,
        world_size=1,
        groups=None,
        out=None,
        name=None,
        write=True,
        extra_config=None,
    ):
        self.planned = range_test_lrs(start_lr, end_lr, iterations, step_mode)
        self.iterations = iterations
        self.smoothing = smoothing
        self.ema = SmoothedLoss(smoothing, diverge)
        self.lrs = []
        self.losses = []
        self.smoothed = []
        self.stop_reason = None
        self.suggestion = None
        self.suggestion_error = None
        self.finished = False
        self.started = time.perf_counter()
        self.path = run_path(out, name) if write else None
        self.writer = None
        if write:
            config = {
                "startLr": start_lr,
                "endLr": end_lr,
                "iterations": iterations,
                "stepMode": step_mode,
                "smoothing": smoothing,
                "diverge": diverge,
            }
            config.update(extra_config or {})
            self.writer = RunWriter(self.path)
            self.writer.write(header(config, framework, framework_version, world_size, groups, name))

    @property
    def steps(self):
        return len(self.losses)

    def next_lr(self):
        """The learning rate of the next step (the last one once the sweep is over)."""
        return self.planned[min(self.steps, len(self.planned) - 1)]

    def record(self, loss, group_lrs=None, val_loss=None):
        """Records the loss of the step just taken; returns True when the range test is over."""
        if self.stop_reason is not None:
            return True
        step = self.steps
        lr = self.planned[step]
        smoothed, stop = self.ema.add(loss)
        self.lrs.append(lr)
        self.losses.append(loss)
        self.smoothed.append(smoothed)
        if self.writer is not None:
            line = {"type": "step", "step": step, "lr": lr, "loss": json_number(loss), "smoothed": json_number(smoothed)}
            if group_lrs is not None:
                line["groupLrs"] = group_lrs
            if val_loss is not None:
                line["valLoss"] = json_number(val_loss)
            self.writer.write(line)
        if stop is not None:
            self.stop_reason = stop
        elif step + 1 >= len(self.planned):
            self.stop_reason = COMPLETED
        return self.stop_reason is not None

    def finish(self, error=None):
        """Computes the suggestion and writes the end line; the second call does nothing."""
        if self.finished:
            return
        self.finished = True
        if self.stop_reason is None:
            self.stop_reason = ERROR if error is not None else LOOP_ENDED
        try:
            # The finders read the sweep as `clr suggest RUN.jsonl` does: the requested iterations, so that their
            # trims fall where the libraries' would on a run that stopped early.
            sweep = {"lrs": self.lrs, "losses": self.losses, "iterations": max(self.iterations, len(self.losses))}
            diverged = self.stop_reason in (DIVERGED, NON_FINITE)
            self.suggestion = suggest(self.lrs, self.losses, self.smoothing, diverged=diverged, finder_sweep=sweep)
        except CurveError as exc:
            self.suggestion_error = str(exc) + ("; " + exc.hint if exc.hint else "")
        if self.writer is None:
            return
        seconds = time.perf_counter() - self.started
        end = {
            "type": "end",
            "stopReason": self.stop_reason,
            "stoppedAt": self.steps - 1,
            "steps": self.steps,
            "seconds": seconds,
            "suggestion": self.suggestion.to_json() if self.suggestion is not None else None,
        }
        if self.suggestion_error is not None:
            end["suggestionError"] = self.suggestion_error
        if error is not None:
            end["error"] = {"type": type(error).__name__, "message": str(error)}
        try:
            self.writer.write(end)
        finally:
            self.writer.close()


def loss_number(value):
    """A float from a Python number, a NumPy scalar or a one-element tensor."""
    item = getattr(value, "item", None)
    return float(item() if callable(item) else value)
