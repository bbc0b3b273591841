"""Drives cyclical_lr.keras.RangeTestCallback the way keras.Model.fit calls its callbacks (keras.io,
"Writing your own callbacks"; Keras >= 2.2 passes the epoch's running mean as logs["loss"]), with a
pure-Python stand-in model: linear regression trained by SGD. Keras itself cannot be installed here.
Usage: keras_standin.py OUT_DIR. Prints one JSON line."""

import json
import random
import sys

from cyclical_lr.keras import RangeTestCallback


class Variable:
    """Like keras.Variable: numpy() and assign()."""

    def __init__(self, value):
        self.value = value

    def numpy(self):
        return self.value

    def assign(self, value):
        self.value = value


class SGD:
    def __init__(self, learning_rate):
        self.learning_rate = Variable(learning_rate)
        self.iterations = Variable(0)
        self.velocity = Variable([0.0, 0.0])

    @property
    def variables(self):
        return [self.iterations, self.learning_rate, self.velocity]


class LinearModel:
    def __init__(self):
        self.w = [0.5, -0.25]
        self.optimizer = SGD(0.01)
        self.stop_training = False

    def get_weights(self):
        return [list(self.w)]

    def set_weights(self, weights):
        self.w = list(weights[0])

    def train_step(self, batch):
        lr = self.optimizer.learning_rate.numpy()
        grads = [0.0, 0.0]
        loss = 0.0
        for x, y in batch:
            err = self.w[0] * x[0] + self.w[1] * x[1] - y
            loss += err * err / len(batch)
            grads = [g + 2 * err * xi / len(batch) for g, xi in zip(grads, x)]
        v = [0.9 * vi + g for vi, g in zip(self.optimizer.velocity.numpy(), grads)]
        self.optimizer.velocity.assign(v)
        self.w = [wi - lr * vi for wi, vi in zip(self.w, v)]
        self.optimizer.iterations.assign(self.optimizer.iterations.numpy() + 1)
        return loss, lr


def fit(model, data, epochs, batch_size, callbacks):
    """The callback calls of keras.Model.fit, in its order."""
    for callback in callbacks:
        callback.set_model(model)
        callback.set_params({"epochs": epochs, "steps": len(data) // batch_size, "verbose": 0})
    for callback in callbacks:
        callback.on_train_begin({})
    seen = []
    for epoch in range(epochs):
        for callback in callbacks:
            callback.on_epoch_begin(epoch, {})
        total = 0.0
        for step in range(len(data) // batch_size):
            for callback in callbacks:
                callback.on_train_batch_begin(step, {})
            loss, lr = model.train_step(data[step * batch_size : (step + 1) * batch_size])
            seen.append((loss, lr))
            total += loss
            for callback in callbacks:
                callback.on_train_batch_end(step, {"loss": total / (step + 1)})
            if model.stop_training:
                break
        for callback in callbacks:
            callback.on_epoch_end(epoch, {"loss": total / (step + 1)})
        if model.stop_training:
            break
    for callback in callbacks:
        callback.on_train_end({})
    return seen


random.seed(0)
data = []
for _ in range(256):
    x = [random.gauss(0, 1), random.gauss(0, 1)]
    data.append((x, 3 * x[0] - 2 * x[1] + random.gauss(0, 0.1)))
model = LinearModel()
model.train_step(data[:8])  # a real step first: the optimizer has state to restore
before = {"weights": model.get_weights(), "velocity": model.optimizer.velocity.numpy(), "iterations": 1, "lr": 0.01}
rt = RangeTestCallback(start_lr=1e-4, end_lr=10, iterations=150, out=sys.argv[1])
seen = fit(model, data, epochs=20, batch_size=8, callbacks=[rt])
print(
    json.dumps(
        {
            "batchLosses": [loss for loss, _ in seen],
            "batchLrs": [lr for _, lr in seen],
            "before": before,
            "after": {
                "weights": model.get_weights(),
                "velocity": model.optimizer.velocity.numpy(),
                "iterations": model.optimizer.iterations.numpy(),
                "lr": model.optimizer.learning_rate.numpy(),
            },
            "stopReason": rt.stop_reason,
            "path": rt.path,
            "losses": rt.losses,
            "lrs": rt.lrs,
            "suggestion": rt.suggestion.to_json() if rt.suggestion else None,
        }
    )
)
