"""Saving what a range test changes (the model, the optimizer, torch's RNG) and putting it back bit for
bit. Copies live on the CPU, so that a GPU model is never held twice in GPU memory."""

import collections


def to_cpu_copy(torch, value):
    """A deep copy of a (nested) state with every tensor copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        copy = collections.OrderedDict() if isinstance(value, collections.OrderedDict) else {}
        for key, item in value.items():
            copy[key] = to_cpu_copy(torch, item)
        # load_state_dict reads the per-module versions kept in _metadata.
        metadata = getattr(value, "_metadata", None)
        if metadata is not None:
            copy._metadata = metadata
        return copy
    if isinstance(value, (list, tuple)):
        return type(value)(to_cpu_copy(torch, v) for v in value)
    return value


class SavedState:
    """The model's and the optimizer's state and the RNG states, saved on the CPU."""

    def __init__(self, torch, model, optimizer):
        self.model_state = to_cpu_copy(torch, model.state_dict()) if model is not None else None
        self.optimizer_state = to_cpu_copy(torch, optimizer.state_dict()) if optimizer is not None else None
        self.training = model.training if model is not None else None
        self.rng = torch.get_rng_state()
        self.cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None

    def restore(self, torch, model, optimizer):
        if model is not None and self.model_state is not None:
            model.load_state_dict(self.model_state)
            model.train(self.training)
        if optimizer is not None and self.optimizer_state is not None:
            optimizer.load_state_dict(self.optimizer_state)
        torch.set_rng_state(self.rng)
        if self.cuda_rng is not None:
            torch.cuda.set_rng_state_all(self.cuda_rng)
