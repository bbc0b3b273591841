"""Suggested learning-rate bounds from a range-test curve: a faithful port of the extension's rule
(src/core/suggest.ts, src/core/smoothing.ts, src/core/lrFinderRules.ts), so that `RangeTest.suggestion`
is the same suggestion as `clr suggest RUN.jsonl`. A unit test runs both on the same curves.

Pure Python (no numpy, no torch). JavaScript semantics are kept where Python's differ: Math.round rounds
halves up, Math.min/Math.max propagate NaN, and ** overflows to Infinity instead of raising.
"""

import math
import struct

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
# A dip smaller than this fraction of the starting loss is no fall (src/core/suggest.ts says why 5%, not 3%).
MIN_FALL = 0.05
CLEAR_FALL = 0.2
BASE_RATIO = 4
DIVERGENCE_MARGIN = 5  # src/core/suggest.ts says why 5 (it was 10)
TURN_UP_FRACTION = 0.1
TURN_UP_MARGIN = 4
MIN_VALUE = 5e-324  # Number.MIN_VALUE
DOUBTFUL_CONFIDENCE = 0.6
SHORT_FALL_POINTS = 10
MANY_EPOCHS = 20
# A basin (turn-up ÷ end of the fall) wider than this holds max_lr within WIDE_BASIN_CAP of the end of the fall.
WIDE_BASIN = 15
WIDE_BASIN_CAP = 3


class CurveError(ValueError):
    """A curve no rule can read; `index` is the 0-based point at fault, when there is one."""

    def __init__(self, message, index=None, hint=None):
        super().__init__(message)
        self.index = index
        self.hint = hint


class Suggestion:
    """The bounds for a cyclical schedule, how much to trust them, and the other finders' values."""

    def __init__(self, base_lr, max_lr, confidence, diagnostics, finders=None):
        self.base_lr = base_lr
        self.max_lr = max_lr
        self.one_cycle_max_lr = max_lr
        self.confidence = confidence
        self.diagnostics = list(diagnostics)
        # {"fastai": {valley, slide, minimum, steep}, "torchLrFinder": {steepest}, "lightning": {suggestion}}
        self.finders = finders
        # Deprecated (kept for one release, as in the extension): the same libraries' values.
        self.steepest = finders["torchLrFinder"]["steepest"] if finders else None
        self.minimum = finders["fastai"]["minimum"] if finders else None
        self.valley = finders["fastai"]["valley"] if finders else None
        self.slide = finders["fastai"]["slide"] if finders else None

    def to_json(self):
        """The JSON `clr suggest --json` prints (a non-finite number as null, as JSON.stringify writes it)."""
        out = {"clr": {"baseLr": self.base_lr, "maxLr": self.max_lr}, "oneCycle": {"maxLr": self.one_cycle_max_lr}}
        if self.finders:
            out["finders"] = self.finders
        out.update(steepest=self.steepest, minimum=self.minimum, valley=self.valley, slide=self.slide)
        out.update(confidence=self.confidence, diagnostics=self.diagnostics)
        return _json_safe(out)

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


def _js_to_fixed0(x):
    """Number.prototype.toFixed(0): halves rounded away from zero."""
    return "%d" % math.floor(x + 0.5)


def _js_to_precision2(x):
    """Number.prototype.toPrecision(2) for a positive finite number."""
    mantissa, exponent = ("%.1e" % x).split("e")
    e = int(exponent)
    if e < -6 or e >= 2:
        return "%se%s%d" % (mantissa, "+" if e >= 0 else "-", abs(e))
    return "%.*f" % (1 - e, x)


def _square(x):
    return x * x


def _finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x)


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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
# src/core/lrFinderRules.ts: each library's own recording of the raw losses (smoothing, bias correction,
# divergence stop), its own trims and its rule, with float32 rounding where the library's tensors are float32.


def _f32(x):
    """Math.fround: the nearest float32 (infinite past its range)."""
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _div(a, b):
    """JavaScript's a / b: Infinity or NaN where Python raises ZeroDivisionError."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _js_pow(base, exponent):
    try:
        return base**exponent
    except OverflowError:
        return math.inf if base > 0 or exponent % 2 == 0 else -math.inf


def _argmin_nan_first(values):
    """argmin with numpy/torch semantics: the first NaN is the minimum; -1 for an empty list."""
    best = -1
    for i, v in enumerate(values):
        if math.isnan(v):
            return i
        if best < 0 or v < values[best]:
            best = i
    return best


def numpy_gradient(f, x=None):
    """numpy.gradient / torch.gradient with edge_order 1, on unit spacing or on coordinates `x`."""
    n = len(f)
    if n < 2:
        raise ValueError("numpy_gradient needs at least 2 points")
    g = [0.0] * n
    if x is None:
        g[0] = f[1] - f[0]
        g[n - 1] = f[n - 1] - f[n - 2]
        for i in range(1, n - 1):
            g[i] = (f[i + 1] - f[i - 1]) / 2
        return g
    g[0] = _div(f[1] - f[0], x[1] - x[0])
    g[n - 1] = _div(f[n - 1] - f[n - 2], x[n - 1] - x[n - 2])
    for i in range(1, n - 1):
        dx1 = x[i] - x[i - 1]
        dx2 = x[i + 1] - x[i]
        a = _div(-dx2, dx1 * (dx1 + dx2))
        b = _div(dx2 - dx1, dx1 * dx2)
        c = _div(dx1, dx2 * (dx1 + dx2))
        g[i] = a * f[i - 1] + b * f[i] + c * f[i + 1]
    return g


def _py_slice(values, start, end):
    """values[start:-end] (end > 0), clamped the way Python clamps it."""
    return values[start : max(0, len(values) - end)]


def padded_raw_losses(losses, iterations=None):
    """The raw losses each library would have seen: NaN after a non-finite loss, up to the requested iterations."""
    raw = list(losses)
    broken = finite_prefix_length(raw)
    if broken == len(raw):
        return raw
    total = max(len(raw), len(raw) if iterations is None else iterations)
    return raw[: broken + 1] + [math.nan] * (total - broken - 1)


def _lr_at(lrs, i):
    """lr of step i: from the sweep's lrs, extended geometrically past their end."""
    if i < len(lrs):
        return lrs[i]
    n = len(lrs)
    ratio = lrs[n - 1] / lrs[n - 2] if n >= 2 else 1
    return lrs[n - 1] * _js_pow(ratio, i - n + 1)


def _fastai_recording(raw, iterations, beta=0.98, diverge_factor=4):
    """fastai's Recorder + AvgSmoothLoss + LRFinder.after_batch."""
    val = 0.0
    best = math.inf
    values = []
    for count, loss in enumerate(raw, 1):
        val = val - (val - loss) * (1 - beta)
        smooth = val / (1 - beta**count)
        values.append(smooth)
        if smooth < best:
            best = smooth
        if smooth > diverge_factor * best or count >= iterations:
            break
    return values


def _torch_lr_finder_recording(raw, smooth_f=0.05, diverge_th=5):
    """torch-lr-finder's range_test recording."""
    best = math.nan
    values = []
    for loss in raw:
        if not values:
            best = loss
        else:
            if smooth_f > 0:
                loss = smooth_f * loss + (1 - smooth_f) * values[-1]
            if loss < best:
                best = loss
        values.append(loss)
        if loss > diverge_th * best:
            break
    return values


def _lightning_recording(raw, beta=0.98, early_stop_threshold=4):
    """Lightning's _LRCallback.on_train_batch_end (global_step is already 1 on the first batch)."""
    avg = 0.0
    best = 0.0
    values = []
    for loss in raw:
        step = len(values) + 1
        avg = beta * avg + (1 - beta) * loss
        smoothed = avg / (1 - beta ** (step + 1))
        stop = step > 1 and smoothed > early_stop_threshold * best
        if smoothed < best or step == 1:
            best = smoothed
        values.append(smoothed)
        if stop:
            break
    return values


def fastai_minimum(lrs, losses):
    i = _argmin_nan_first(losses)
    return None if i < 0 else lrs[i] / 10


def fastai_steep(lrs, losses):
    if len(losses) < 2:
        return None
    grads = [_div(losses[i + 1] - losses[i], math.log(lrs[i + 1]) - math.log(lrs[i])) for i in range(len(losses) - 1)]
    return lrs[_argmin_nan_first(grads)]


def fastai_valley(lrs, losses):
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


def fastai_slide(lrs, losses, lr_diff=15, thresh=0.005, adjust_value=1):
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


def fastai_window(lrs, recorded, iterations):
    """What `lr_find` hands its suggestion functions: recorded[num_it//10 : -5], cut at the first NaN."""
    start = iterations // 10
    losses = [_f32(v) for v in _py_slice(recorded, start, 5)]
    window_lrs = [_f32(v) for v in _py_slice([_lr_at(lrs, i) for i in range(len(recorded))], start, 5)]
    end = next((i for i, v in enumerate(losses) if math.isnan(v)), len(losses))
    return window_lrs[:end], losses[:end]


def torch_lr_finder_steepest(lrs, recorded, skip_start=10, skip_end=5):
    losses = _py_slice(recorded, skip_start, skip_end)
    if len(losses) < 2:
        return None
    return _lr_at(lrs, skip_start + _argmin_nan_first(numpy_gradient(losses)))


def lightning_suggestion(lrs, recorded, skip_begin=10, skip_end=1):
    indices = [i for i in _py_slice(list(range(len(recorded))), skip_begin, skip_end) if math.isfinite(_f32(recorded[i]))]
    if len(indices) < 2:
        return None
    losses = [_f32(recorded[i]) for i in indices]
    spacing = [_f32(_lr_at(lrs, i)) for i in indices]
    return _lr_at(lrs, indices[_argmin_nan_first(numpy_gradient(losses, spacing))])


def library_finders(lrs, losses, iterations=None):
    """Every library's suggestion on one sweep (lrs of each step, raw losses, requested iterations)."""
    raw = padded_raw_losses(losses, iterations)
    num_it = max(1, len(losses) if iterations is None else iterations)
    window_lrs, window_losses = fastai_window(lrs, _fastai_recording(raw, num_it), num_it)
    return {
        "fastai": {
            "valley": fastai_valley(window_lrs, window_losses),
            "slide": fastai_slide(window_lrs, window_losses),
            "minimum": fastai_minimum(window_lrs, window_losses),
            "steep": fastai_steep(window_lrs, window_losses),
        },
        "torchLrFinder": {"steepest": torch_lr_finder_steepest(lrs, _torch_lr_finder_recording(raw))},
        "lightning": {"suggestion": lightning_suggestion(lrs, _lightning_recording(raw))},
    }


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


_THIS_CURVE = object()


def suggest(lrs, losses, beta=DEFAULT_BETA, diverged=False, finder_sweep=_THIS_CURVE, steps_per_epoch=None):
    """The suggestion for a curve of learning rates and losses (NaN/inf or None for a non-finite loss).

    `finder_sweep` is what the other finders read: {"lrs", "losses", "iterations"} (the raw losses of one
    run, the lrs of its steps and the iterations it was asked for); default: this curve, as if it were one
    run of exactly its length; None: leave the finders out. `beta` is validated but unused (each finder
    smooths as its library does). `steps_per_epoch` tells how many epochs the test trained.
    """
    if beta is None:
        beta = DEFAULT_BETA
    if not (0 <= beta < 1):
        raise ValueError("smoothing beta %r is out of range: use a value in [0, 1), e.g. 0.98" % (beta,))
    lrs = [float(v) for v in lrs]
    losses = [math.nan if v is None else float(v) for v in losses]
    n = validate_curve(lrs, losses)

    if finder_sweep is _THIS_CURVE:
        finder_sweep = {"lrs": lrs, "losses": losses}
    finders = None
    if finder_sweep is not None:
        sweep_losses = [math.nan if v is None else float(v) for v in finder_sweep["losses"]]
        finders = library_finders([float(v) for v in finder_sweep["lrs"]], sweep_losses, finder_sweep.get("iterations"))

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
    fell = drop > MIN_FALL * abs(top) and drop > 4 * smooth_noise

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
        wide_basin = turn_up_lr is not None and turn_up_lr / xs[i_end] > WIDE_BASIN and xs[i_end] * WIDE_BASIN_CAP < max_lr
        if wide_basin:
            max_lr = xs[i_end] * WIDE_BASIN_CAP
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
        # A short or shallow fall, or a test that trained for many epochs, is weak evidence however clean.
        turn_up_index = n - 1 if turn_up_lr is None else next((i for i, lr in enumerate(xs) if lr >= turn_up_lr), -1)
        epochs = (turn_up_index + 1) / steps_per_epoch if steps_per_epoch else 0
        doubts = []
        if fall_points < SHORT_FALL_POINTS:
            doubts.append(
                "the fall spans only %d points: more iterations (or a narrower start_lr..end_lr) would place the bounds "
                "more precisely" % fall_points
            )
        if relative_fall < CLEAR_FALL:
            doubts.append(
                "the loss fell only %d %% before it turned up: the model barely learned during the test; more iterations, "
                "or check the features and labels" % _js_round(relative_fall * 100)
            )
        if epochs > MANY_EPOCHS:
            doubts.append(
                "the test trained %s epochs before the loss turned up, so the curve shows a model that had already learned "
                "the data: fewer iterations (or a smaller batch) for this dataset size" % _js_to_fixed0(epochs)
            )
        diagnostics.extend(doubts)
        if doubts:
            confidence = _js_min(confidence, DOUBTFUL_CONFIDENCE)
        if wide_basin:
            edge = turn_up_lr
            diagnostics.append(
                "the loss stayed at its bottom from %s to %s (%s×) before it turned up: max_lr is held within %d× of the end "
                "of the fall (higher lrs in that basin fit the training data only slightly better and, on noisy labels, generalise "
                "worse)" % (_js_to_precision2(xs[i_end]), _js_to_precision2(edge), _js_to_fixed0(edge / xs[i_end]), WIDE_BASIN_CAP)
            )

    return Suggestion(
        base_lr=base_lr,
        max_lr=max_lr,
        confidence=_js_round(_clamp01(confidence) * 100) / 100,
        diagnostics=diagnostics,
        finders=finders,
    )
