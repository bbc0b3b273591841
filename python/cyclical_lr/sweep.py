"""The sweep: the learning rates a range test tries, and the smoothed loss with its stop rule. The same
arithmetic as the extension's engine (src/core/schedules/rangeTestSweep.ts rangeTestLrs; the EMA and divergence stop of
the built-in range test), so that a run started here and one started from the panel are comparable."""

import math

STEP_MODES = ("exp", "linear")


def range_test_lrs(start_lr, end_lr, steps, mode="exp"):
    if not (isinstance(start_lr, (int, float)) and math.isfinite(start_lr) and start_lr > 0):
        raise ValueError("start_lr must be a number > 0, but got %r" % (start_lr,))
    if not (isinstance(end_lr, (int, float)) and math.isfinite(end_lr) and end_lr > start_lr):
        raise ValueError("end_lr must be a number above start_lr (%r), but got %r" % (start_lr, end_lr))
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError("iterations must be a positive integer, but got %r" % (steps,))
    if mode not in STEP_MODES:
        raise ValueError("step_mode must be 'exp' or 'linear', but got %r" % (mode,))
    last = steps - 1
    ratio = end_lr / start_lr
    out = []
    for t in range(steps):
        r = 0 if last == 0 else t / last
        out.append(start_lr * ratio**r if mode == "exp" else start_lr + (end_lr - start_lr) * r)
    return out


class SmoothedLoss:
    """Bias-corrected EMA of the loss and the stop rule: the loss is not finite, or the smoothed loss
    exceeds `diverge` times its best value."""

    def __init__(self, beta=0.9, diverge=4.0):
        if not (0 <= beta < 1):
            raise ValueError("smoothing must be in [0, 1), but got %r" % (beta,))
        if not diverge > 1:
            raise ValueError("diverge must be > 1, but got %r" % (diverge,))
        self.beta = beta
        self.diverge = diverge
        self.avg = 0.0
        self.count = 0
        self.best = math.inf

    def add(self, loss):
        """Returns (smoothed loss or None, stop reason or None)."""
        if not math.isfinite(loss):
            return None, "non-finite"
        self.avg = self.beta * self.avg + (1 - self.beta) * loss
        self.count += 1
        smoothed = self.avg / (1 - self.beta**self.count)
        self.best = min(self.best, smoothed)
        return smoothed, ("diverged" if smoothed > self.diverge * self.best else None)
