"""Cyclical LR: learning-rate range tests inside your own training loop, streamed to the VS Code panel.

    from cyclical_lr import RangeTest
    with RangeTest(optimizer, model=model) as rt:  # 1e-6 → 10 over 200 steps, as the extension
        for batch in loader:
            loss = compute_loss(model, batch)
            loss.backward(); optimizer.step(); optimizer.zero_grad()
            if rt.step(loss):
                break
    print(rt.suggestion)

Depends on the standard library only; torch is imported when a RangeTest is created, Keras never (the
callback in cyclical_lr.keras reads the model it is given).
"""

from .range_test import RangeTest
from .runfile import read_run
from .suggest import Suggestion, suggest

__version__ = "0.1.0"
__all__ = ["RangeTest", "Suggestion", "read_run", "suggest", "__version__"]
