// The Keras 3 LearningRateSchedule classes a Keras snippet defines: PyTorch's formulas in keras.ops, evaluated
// at every optimizer step.

export const KERAS_CYCLIC_CLASS = `@keras.saving.register_keras_serializable()
class CyclicalLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch CyclicLR's formula, evaluated at every optimizer step (batch)."""

    def __init__(self, base_lr, max_lr, step_size_up, step_size_down=None, mode="triangular", gamma=1.0, scale_mode=None):
        self.base_lr = base_lr
        self.max_lr = max_lr
        self.step_size_up = step_size_up
        self.step_size_down = step_size_up if step_size_down is None else step_size_down
        self.mode = mode
        self.gamma = gamma
        self.scale_mode = scale_mode or ("iterations" if mode == "exp_range" else "cycle")

    def __call__(self, step):
        step = ops.cast(step, "float32")
        total = float(self.step_size_up + self.step_size_down)
        ratio = self.step_size_up / total
        cycle = ops.floor(1.0 + step / total)
        x = 1.0 + step / total - cycle
        if ratio < 1.0:
            scale_factor = ops.where(x <= ratio, x / ratio, (x - 1.0) / (ratio - 1.0))
        else:
            scale_factor = x / ratio
        scale_by = cycle if self.scale_mode == "cycle" else step
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1.0 / ops.power(2.0, scale_by - 1.0)
        else:
            scale = ops.power(self.gamma, scale_by)
        return self.base_lr + (self.max_lr - self.base_lr) * scale_factor * scale

    def get_config(self):
        return {
            "base_lr": self.base_lr,
            "max_lr": self.max_lr,
            "step_size_up": self.step_size_up,
            "step_size_down": self.step_size_down,
            "mode": self.mode,
            "gamma": self.gamma,
            "scale_mode": self.scale_mode,
        }`;

export const KERAS_ONE_CYCLE_CLASS = `@keras.saving.register_keras_serializable()
class OneCycleLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch OneCycleLR's formula, evaluated at every optimizer step (batch)."""

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0, final_div_factor=1e4, three_phase=False):
        self.max_lr = max_lr
        self.total_steps = total_steps
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (ops.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def __call__(self, step):
        step = ops.cast(step, "float32")
        initial_lr = self.max_lr / self.div_factor
        min_lr = initial_lr / self.final_div_factor
        warm_end = float(self.pct_start * self.total_steps) - 1
        if self.three_phase:
            phases = [(warm_end, initial_lr, self.max_lr),
                      (float(2 * self.pct_start * self.total_steps) - 2, self.max_lr, initial_lr),
                      (self.total_steps - 1, initial_lr, min_lr)]
        else:
            phases = [(warm_end, initial_lr, self.max_lr), (self.total_steps - 1, self.max_lr, min_lr)]
        starts = [0.0] + [end for end, _, _ in phases[:-1]]
        values = [self._anneal(lo, hi, (step - start) / (end - start)) for (end, lo, hi), start in zip(phases, starts)]
        lr = values[-1]
        for (end, _, _), value in reversed(list(zip(phases[:-1], values[:-1]))):
            lr = ops.where(step <= end, value, lr)
        return lr

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "anneal_strategy": self.anneal_strategy,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "three_phase": self.three_phase,
        }`;

export const KERAS_SGDR_CLASS = `@keras.saving.register_keras_serializable()
class WarmRestartsLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / steps_per_epoch, every batch."""

    def __init__(self, max_lr, t_0, steps_per_epoch, t_mult=1, eta_min=0.0):
        self.max_lr = max_lr
        self.t_0 = t_0
        self.steps_per_epoch = steps_per_epoch
        self.t_mult = t_mult
        self.eta_min = eta_min

    def __call__(self, step):
        epoch = ops.cast(step, "float32") / self.steps_per_epoch
        if self.t_mult == 1:
            t_cur = ops.mod(epoch, float(self.t_0))
            t_i = float(self.t_0)
        else:
            n = ops.floor(ops.log(epoch / self.t_0 * (self.t_mult - 1) + 1) / math.log(self.t_mult))
            t_cur = epoch - self.t_0 * (ops.power(float(self.t_mult), n) - 1) / (self.t_mult - 1)
            t_i = self.t_0 * ops.power(float(self.t_mult), n)
        return self.eta_min + (self.max_lr - self.eta_min) * (1 + ops.cos(math.pi * t_cur / t_i)) / 2

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "t_0": self.t_0,
            "steps_per_epoch": self.steps_per_epoch,
            "t_mult": self.t_mult,
            "eta_min": self.eta_min,
        }`;

export const KERAS_WARMUP_CLASS = `@keras.saving.register_keras_serializable()
class WarmupDecayLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch's LinearLR warm-up, ConstantLR peak and final decay (SequentialLR), at every optimizer step (batch)."""

    def __init__(self, max_lr, total_steps, warmup_steps, start_factor, decay_steps, decay="linear", eta_min=0.0):
        self.max_lr = max_lr
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.start_factor = start_factor
        self.decay_steps = decay_steps
        self.decay = decay
        self.eta_min = eta_min

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warm = self.max_lr * (self.start_factor + (1.0 - self.start_factor) * step / max(self.warmup_steps, 1))
        k = ops.maximum(step - (self.total_steps - self.decay_steps), 0.0)
        if self.decay == "cosine":
            decayed = self.eta_min + (self.max_lr - self.eta_min) * (1 + ops.cos(math.pi * k / self.decay_steps)) / 2
        elif self.decay == "1-sqrt":
            decayed = self.max_lr * (1 - ops.sqrt(ops.minimum(k, self.decay_steps) / self.decay_steps))
        else:
            decayed = self.max_lr * (1 - ops.minimum(k, self.decay_steps) / self.decay_steps)
        stable = ops.where(step < self.total_steps - self.decay_steps, self.max_lr, decayed)
        return ops.where(step < self.warmup_steps, warm, stable)

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "start_factor": self.start_factor,
            "decay_steps": self.decay_steps,
            "decay": self.decay,
            "eta_min": self.eta_min,
        }`;
