"""Suggested learning-rate bounds from a range-test curve: a faithful port of the extension's rule
(src/core/suggest.ts, src/core/smoothing.ts, src/core/lrFinderRules.ts), so that `RangeTest.suggestion`
is the same suggestion as `clr suggest RUN.jsonl`. A unit test runs both on the same curves.

Pure Python (no numpy, no torch). JavaScript semantics are kept where Python's differ: Math.round rounds
halves up, Math.min/Math.max propagate NaN, and ** overflows to Infinity instead of raising.
"""

import math

DEFAULT_BETA = 0.98
MIN_POINTS = 10

DIAGNOSTICS = {
    "never_fell": "the loss never fell: raise `end_lr` or check the labels",
    "never_fell_before_diverging": "the loss never fell before it diverged: more iterations (the model needs more steps "
    "to learn), or check the labels",
    "never_diverged": "never diverged: raise `end_lr`",
    "too_noisy": "too noisy: more iterations, a larger batch or more runs",
    "start_unclear": "the loss was already falling at `start_lr`: lower `start_lr` to see where the fall begins",
}

START_FRACTION = 0.1
END_FRACTION = 0.1
CLEAR_FALL = 0.2
BASE_RATIO = 4
DIVERGENCE_MARGIN = 10
TURN_UP_FRACTION = 0.1
TURN_UP_MARGIN = 4
MIN_VALUE = 5e-324  # Number.MIN_VALUE


class CurveError(ValueError):
    """A curve no rule can read; `index` is the 0-based point at fault, when there is one."""

    def __init__(self, message, index=None, hint=None):
        super().__init__(message)
        self.index = index
        self.hint = hint


class Suggestion:
    """The bounds for a cyclical schedule, how much to trust them, and the other finders' values."""

    def __init__(self, base_lr, max_lr, confidence, diagnostics, steepest, minimum, valley, slide):
        self.base_lr = base_lr
        self.max_lr = max_lr
        self.one_cycle_max_lr = max_lr
        self.confidence = confidence
        self.diagnostics = list(diagnostics)
        self.steepest = steepest
        self.minimum = minimum
        self.valley = valley
        self.slide = slide

    def to_json(self):
        """The JSON `clr suggest --json` prints."""
        return {
            "clr": {"baseLr": self.base_lr, "maxLr": self.max_lr},
            "oneCycle": {"maxLr": self.one_cycle_max_lr},
            "steepest": self.steepest,
            "minimum": self.minimum,
            "valley": self.valley,
            "slide": self.slide,
            "confidence": self.confidence,
            "diagnostics": self.diagnostics,
        }

    def __repr__(self):
        return "Suggestion(base_lr=%.3g, max_lr=%.3g, confidence=%.2f%s)" % (
            self.base_lr,
            self.max_lr,
            self.confidence,
            "".join("; " + d for d in self.diagnostics),
        )


# ------------------------------------------------------------------------------------ JavaScript's math


def _js_round(x):
    return math.floor(x + 0.5)


def _js_min(*values):
    return math.nan if any(math.isnan(v) for v in values) else min(values)


def _js_max(*values):
    return math.nan if any(math.isnan(v) for v in values) else max(values)


def _square(x):
    return x * x


def _finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x)


# ------------------------------------------------------------------------------------------- smoothing


def finite_prefix_length(values):
    for i, v in enumerate(values):
        if not _finite(v):
            return i
    return len(values)


def smooth_losses(losses, beta):
    """Bias-corrected EMA, cut at the first non-finite loss (as the finders plot it)."""
    if not (0 <= beta < 1):
        raise ValueError("beta must be in [0, 1), got %r" % (beta,))
    out = []
    avg = 0.0
    weight = 1.0
    for t in range(finite_prefix_length(losses)):
        avg = beta * avg + (1 - beta) * losses[t]
        weight *= beta
        out.append(avg / (1 - weight))
    return out


def median(values):
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) >> 1
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def robust_std(values):
    m = median(values)
    return 1.4826 * median([abs(v - m) for v in values])


def despike(values, half_width, k=5):
    n = len(values)
    out = []
    for i, v in enumerate(values):
        window = values[max(0, i - half_width) : min(n, i + half_width + 1)]
        m = median(window)
        s = robust_std(window)
        out.append(m if s > 0 and v - m > k * s else v)
    return out


def local_linear_smooth(x, y, half_width):
    n = len(x)
    out = []
    for i in range(n):
        lo = max(0, i - half_width)
        hi = min(n - 1, i + half_width)
        if hi - lo < 2 * half_width:
            if lo == 0:
                hi = min(n - 1, 2 * half_width)
            else:
                lo = max(0, n - 1 - 2 * half_width)
        radius = max(abs(x[hi] - x[i]), abs(x[i] - x[lo])) * 1.0001 or 1
        sw = sx = sy = sxx = sxy = 0.0
        for j in range(lo, hi + 1):
            u = abs(x[j] - x[i]) / radius
            w = (1 - u * u * u) ** 3
            dx = x[j] - x[i]
            sw += w
            sx += w * dx
            sy += w * y[j]
            sxx += w * dx * dx
            sxy += w * dx * y[j]
        det = sw * sxx - sx * sx
        out.append((sxx * sy - sx * sxy) / det if det > 1e-12 * sw * sxx else sy / sw)
    return out


# ---------------------------------------------------------------------------------- the finders' rules


def numpy_gradient(f, x=None):
    n = len(f)
    at = (lambda i: x[i]) if x is not None else (lambda i: i)
    g = [0.0] * n
    g[0] = (f[1] - f[0]) / (at(1) - at(0))
    g[n - 1] = (f[n - 1] - f[n - 2]) / (at(n - 1) - at(n - 2))
    for i in range(1, n - 1):
        hd = at(i) - at(i - 1)
        hs = at(i + 1) - at(i)
        g[i] = (hd * hd * f[i + 1] - hs * hs * f[i - 1] + (hs * hs - hd * hd) * f[i]) / (hs * hd * (hd + hs))
    return g


def _argmin(values, start=0, stop=None):
    stop = len(values) - 1 if stop is None else stop
    best = start
    for i in range(start + 1, stop + 1):
        if values[i] < values[best]:
            best = i
    return best


def _argmax(values, start=0, stop=None):
    stop = len(values) - 1 if stop is None else stop
    best = start
    for i in range(start + 1, stop + 1):
        if values[i] > values[best]:
            best = i
    return best


def steepest_rule(lrs, smoothed, skip_start=10, skip_end=5):
    n = min(len(lrs), finite_prefix_length(smoothed))
    lo, hi = skip_start, n - skip_end
    if hi - lo < 2:
        return None
    ys = smoothed[lo:hi]
    xs = [math.log10(v) for v in lrs[lo:hi]]
    return lrs[lo + _argmin(numpy_gradient(ys, xs))]


def fastai_window(lrs, smoothed):
    n = len(lrs)
    start = n // 10
    end = min(n - 5, start + finite_prefix_length(smoothed[start : n - 5]))
    return (lrs[start:end], smoothed[start:end]) if end > start else ([], [])


def minimum_rule(lrs, losses):
    return lrs[_argmin(losses)] / 10 if losses else None


def valley_rule(lrs, losses):
    n = len(losses)
    if n == 0:
        return None
    lds = [1] * n
    max_start = max_end = 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return lrs[idx] if -len(lrs) <= idx < len(lrs) else None


def slide_rule(lrs, losses, lr_diff=15, thresh=0.005, adjust_value=1):
    n = len(losses)
    if n < lr_diff + 1:
        return None
    grad = numpy_gradient(losses)
    right = n - 1
    left = right - lr_diff
    local_min_lr = lrs[left]
    while left >= 0 and abs(grad[right] - grad[left]) > thresh:
        local_min_lr = lrs[left]
        right -= 1
        left -= 1
    return local_min_lr * adjust_value


# -------------------------------------------------------------------------------------- our own bounds


def validate_curve(lrs, losses):
    """Raises CurveError for curves no rule can read; returns the length of the finite prefix."""
    if len(lrs) != len(losses):
        raise CurveError("the curve has %d learning rates but %d losses" % (len(lrs), len(losses)))
    if len(lrs) < MIN_POINTS:
        raise CurveError(
            "the curve has %d points; at least %d are needed" % (len(lrs), MIN_POINTS),
            hint="run the range test with more iterations",
        )
    for i, lr in enumerate(lrs):
        if not (_finite(lr) and lr > 0):
            raise CurveError("learning rate %r at point %d is not a positive number" % (lr, i + 1), i, "learning rates must be > 0")
        if i > 0 and lr <= lrs[i - 1]:
            raise CurveError(
                "learning rate not increasing at point %d (%r after %r)" % (i + 1, lr, lrs[i - 1]),
                i,
                "a range test sweeps the learning rate upwards: sort the points by lr and drop repeats",
            )
    if all(not _finite(v) for v in losses):
        raise CurveError("every loss is NaN or infinite", hint="lower start_lr, and check the data and labels for NaN")
    finite = finite_prefix_length(losses)
    if finite < MIN_POINTS:
        raise CurveError(
            "the loss is not finite from point %d, leaving %d points; at least %d are needed" % (finite + 1, finite, MIN_POINTS),
            finite,
            "lower start_lr or end_lr, and check the data for NaN",
        )
    return finite


def smoothing_half_width(points):
    return max(3, _js_round(points / 25))


def centred_smooth(lrs, losses, half_width=None):
    if half_width is None:
        half_width = smoothing_half_width(len(losses))
    return local_linear_smooth([math.log10(v) for v in lrs], despike(losses, half_width), half_width)


def _step_noise(losses):
    diffs = [v - losses[i] for i, v in enumerate(losses[1:])]
    return robust_std(diffs) / math.sqrt(2)


def _landmarks(xs, raw, half_width):
    s = centred_smooth(xs, raw, half_width)
    i_min = _argmin(s)
    return s, half_width, i_min, _argmax(s, 0, i_min)


def _clamp01(v):
    return min(1.0, max(0.0, v))


def suggest(lrs, losses, beta=DEFAULT_BETA, diverged=False):
    """The suggestion for a curve of learning rates and losses (NaN/inf or None for a non-finite loss)."""
    if beta is None:
        beta = DEFAULT_BETA
    if not (0 <= beta < 1):
        raise ValueError("smoothing beta %r is out of range: use a value in [0, 1), e.g. 0.98" % (beta,))
    lrs = [float(v) for v in lrs]
    losses = [math.nan if v is None else float(v) for v in losses]
    n = validate_curve(lrs, losses)

    ema = smooth_losses(losses, beta)
    window_lrs, window_losses = fastai_window(lrs, ema)
    steepest = steepest_rule(lrs, ema)
    minimum = minimum_rule(window_lrs, window_losses)
    valley = valley_rule(window_lrs, window_losses)
    slide = slide_rule(window_lrs, window_losses)

    xs = lrs[:n]
    raw = losses[:n]
    s, k, i_min, i_top = _landmarks(xs, raw, smoothing_half_width(n))
    fit_end = max(i_min, min(n - 1, 4 * k))
    noise = _step_noise(raw[: fit_end + 1])
    first_drop = s[i_top] - s[i_min]
    if first_drop > 0:
        ratio = _square(noise / (0.05 * first_drop))
        wanted = math.ceil(ratio) if math.isfinite(ratio) else ratio
        widened = _js_min(n // 8, wanted)
        if widened > k:
            s, k, i_min, i_top = _landmarks(xs, raw, int(widened))
    top = s[i_top]
    bottom = s[i_min]
    drop = top - bottom
    smooth_noise = noise / math.sqrt(k + 1)
    fell = drop > 0.03 * abs(top) and drop > 4 * smooth_noise

    rise_after_min = _js_max(*s[i_min:]) - bottom
    if fell:
        rose = rise_after_min >= _js_max(0.1 * drop, 4 * smooth_noise)
    else:
        rose = rise_after_min >= _js_max(0.05 * abs(top), 4 * smooth_noise)
    is_diverged = diverged is True or n < len(losses) or rose
    diverge_level = top + _js_max(4 * smooth_noise, 0.01 * abs(top))
    diverge_lr = None
    for i in range(i_min + 1, n):
        if s[i] > diverge_level:
            diverge_lr = xs[i]
            break
    if diverge_lr is None and n < len(losses):
        diverge_lr = lrs[n]
    if diverge_lr is None and diverged is True:
        diverge_lr = xs[n - 1]

    diagnostics = []
    if not fell:
        max_lr = diverge_lr / DIVERGENCE_MARGIN if diverge_lr is not None else xs[n - 1]
        base_lr = max_lr / BASE_RATIO
        confidence = 0.05
        diagnostics.append(DIAGNOSTICS["never_fell_before_diverging"] if diverge_lr is not None else DIAGNOSTICS["never_fell"])
    else:
        mid = top - 0.5 * drop
        i_mid = i_min
        while i_mid > i_top and s[i_mid - 1] < mid:
            i_mid -= 1
        above = [v for v in s[:i_mid] if v >= mid]
        plateau = median(above) if above else top
        fall_drop = plateau - bottom
        start_level = plateau - START_FRACTION * fall_drop
        i_base = i_mid
        while i_base > 0 and s[i_base - 1] < start_level:
            i_base -= 1
        bottom_noise = _step_noise(raw[max(0, i_min - 3 * k) : min(n, i_min + 2 * k + 1)]) / math.sqrt(k + 1)
        end_level = bottom + _js_max(END_FRACTION * _js_min(fall_drop, abs(bottom) or fall_drop), 2 * bottom_noise)
        i_end = i_mid
        while i_end < i_min and s[i_end] > end_level:
            i_end += 1
        up_level = bottom + _js_max(TURN_UP_FRACTION * fall_drop, 2 * bottom_noise)
        turn_up_lr = None
        for i in range(i_min + 1, n):
            if s[i] > up_level:
                turn_up_lr = xs[i]
                break
        if turn_up_lr is None:
            turn_up_lr = diverge_lr
        max_lr = turn_up_lr / TURN_UP_MARGIN if turn_up_lr is not None else xs[i_end]
        start_clear = i_base >= 2 * k
        fall_start = xs[i_base]
        base_lr = fall_start if start_clear and max_lr / BASE_RATIO <= fall_start <= max_lr / 3 else max_lr / BASE_RATIO

        snr = fall_drop / max(noise, MIN_VALUE)
        fall_points = i_end - i_base
        relative_fall = fall_drop / abs(plateau) if plateau != 0 else 1
        depth = _clamp01(relative_fall / CLEAR_FALL) ** 0.5
        confidence = (
            _clamp01((snr - 1) / 7) ** 0.5
            * (1 if is_diverged else 0.6)
            * (1 if start_clear else 0.75)
            * _clamp01(fall_points / 8 + 0.3)
            * depth
        )
        if not is_diverged:
            diagnostics.append(DIAGNOSTICS["never_diverged"])
        if not start_clear:
            diagnostics.append(DIAGNOSTICS["start_unclear"])
        if snr < 4:
            diagnostics.append(DIAGNOSTICS["too_noisy"])
        if fall_points < 5:
            diagnostics.append(
                "the fall spans only %d points: more iterations (or a narrower start_lr..end_lr) would place the bounds "
                "more precisely" % fall_points
            )
        if relative_fall < CLEAR_FALL:
            diagnostics.append(
                "the loss fell only %d %% before it turned up: the model barely learned during the test; more iterations, "
                "or check the features and labels" % _js_round(relative_fall * 100)
            )

    return Suggestion(
        base_lr=base_lr,
        max_lr=max_lr,
        confidence=_js_round(_clamp01(confidence) * 100) / 100,
        diagnostics=diagnostics,
        steepest=steepest,
        minimum=minimum,
        valley=valley,
        slide=slide,
    )
