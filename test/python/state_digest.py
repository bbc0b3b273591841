"""A digest of everything a range test may change: parameters, buffers, optimizer state and param groups,
torch's RNG and the training flag. Equal digests = state restored to the bit."""

import hashlib
import json

import torch


def state_digest(model, optimizer):
    h = hashlib.sha256()
    for key, value in model.state_dict().items():
        h.update(key.encode())
        h.update(value.detach().cpu().contiguous().numpy().tobytes())
    state = optimizer.state_dict()
    for index, entry in sorted(state["state"].items()):
        for key, value in sorted(entry.items()):
            h.update(("%s.%s" % (index, key)).encode())
            h.update(value.detach().cpu().numpy().tobytes() if torch.is_tensor(value) else repr(value).encode())
    h.update(json.dumps(state["param_groups"], sort_keys=True, default=str).encode())
    h.update(torch.get_rng_state().numpy().tobytes())
    h.update(str(model.training).encode())
    return h.hexdigest()
