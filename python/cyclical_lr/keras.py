"""A Keras callback that runs the range test inside `model.fit` and writes the same run file as RangeTest.

    from cyclical_lr.keras import RangeTestCallback
    rt = RangeTestCallback()  # 1e-6 → 10 over 200 steps, as the extension
    model.fit(x, y, epochs=100, callbacks=[rt])    # stops by itself when the test is over
    print(rt.suggestion)

Not yet tested against Keras itself (it cannot be installed where this package is developed): its tests
drive it with a stand-in that calls the hooks the way Keras documents them (set_model, on_train_begin,
on_epoch_begin, on_train_batch_end with logs["loss"], model.stop_training, on_train_end).

Keras (tf.keras since TF 2.2, and Keras 3) reports in logs["loss"] the running mean of the epoch so far; the callback recovers each batch's own
loss from two consecutive means (exact when the batches are the same size). On on_train_end the model's
weights, the optimizer's variables and its learning rate are put back (restore=True).
"""

from .recorder import Recorder, loss_number

try:  # Keras 3, then tf.keras; without either the class still works with anything that calls its hooks.
    from keras.callbacks import Callback as _Callback
except ImportError:  # pragma: no cover - depends on the environment
    try:
        from tensorflow.keras.callbacks import Callback as _Callback
    except ImportError:

        class _Callback:
            """What keras.callbacks.Callback provides: set_model, set_params and no-op hooks."""

            def set_model(self, model):
                self.model = model

            def set_params(self, params):
                self.params = params

            def __getattr__(self, name):
                if name.startswith("on_"):
                    return lambda *args, **kwargs: None
                raise AttributeError(name)


def _variables(optimizer):
    variables = getattr(optimizer, "variables", [])
    return list(variables() if callable(variables) else variables)


class RangeTestCallback(_Callback):
    def __init__(
        self,
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
    ):
        super().__init__()
        self._options = dict(
            start_lr=start_lr, end_lr=end_lr, iterations=iterations, step_mode=step_mode, smoothing=smoothing, diverge=diverge
        )
        self.restore = restore
        self._out, self._name, self._write = out, name, write
        self._recorder = None
        self._saved = None
        self._previous_mean = 0.0

    def _optimizer(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "learning_rate"):
            raise ValueError("RangeTestCallback needs a compiled model whose optimizer has a learning_rate")
        return optimizer

    def _set_lr(self, lr):
        variable = self._optimizer().learning_rate
        if hasattr(variable, "assign"):
            variable.assign(lr)
        elif callable(variable):
            raise ValueError("the optimizer's learning_rate is a schedule: compile with a plain float for the range test")
        else:
            self._optimizer().learning_rate = lr

    def _get_lr(self):
        variable = self._optimizer().learning_rate
        return loss_number(variable.numpy() if hasattr(variable, "numpy") else variable)

    def on_train_begin(self, logs=None):
        optimizer = self._optimizer()
        if self.restore:
            self._saved = (
                self.model.get_weights(),
                [v.numpy() for v in _variables(optimizer)],
                self._get_lr(),
            )
        version = None
        try:
            import keras

            version = getattr(keras, "__version__", None)
        except ImportError:
            pass
        self._recorder = Recorder(
            framework="keras",
            framework_version=version,
            out=self._out,
            name=self._name,
            write=self._write,
            **self._options
        )
        self._set_lr(self._recorder.next_lr())

    def on_epoch_begin(self, epoch, logs=None):
        self._previous_mean = 0.0

    def on_train_batch_end(self, batch, logs=None):
        if self._recorder is None or self._recorder.stop_reason is not None:
            return
        if not logs or "loss" not in logs:
            raise ValueError("Keras passed no 'loss' in the logs of on_train_batch_end")
        mean = loss_number(logs["loss"])
        loss = (batch + 1) * mean - batch * self._previous_mean
        self._previous_mean = mean
        if self._recorder.record(loss, [self._get_lr()]):
            self.model.stop_training = True
        else:
            self._set_lr(self._recorder.next_lr())

    def on_train_end(self, logs=None):
        self._finish(None)

    def _finish(self, error):
        if self._recorder is None or self._recorder.finished:
            return
        try:
            if self._saved is not None:
                weights, variables, lr = self._saved
                self.model.set_weights(weights)
                for variable, value in zip(_variables(self._optimizer()), variables):
                    variable.assign(value)
                self._set_lr(lr)
        finally:
            self._recorder.finish(error)

    @property
    def suggestion(self):
        return self._recorder.suggestion if self._recorder else None

    @property
    def stop_reason(self):
        return self._recorder.stop_reason if self._recorder else None

    @property
    def path(self):
        return self._recorder.path if self._recorder else None

    @property
    def lrs(self):
        return list(self._recorder.lrs) if self._recorder else []

    @property
    def losses(self):
        return list(self._recorder.losses) if self._recorder else []
