"""Training "until convergence" (paper App. A.9: SFT "was often until convergence"; epochs "between 1 to 10 based on the
size of the synthetic dataset"):

- `auto_epochs(n)`: the number of epochs when the config says "auto". The paper gives the range (1-10) and that it
  follows the data size, not the rule; ours aims at about AUTO_EXAMPLE_PASSES examples seen in all, so the paper's
  2k-6k examples per role train for 1 epoch and a few hundred for up to 10.
- `EarlyStopping`: with a held-out slice, stop once its loss (`eval_loss`) has not improved for `patience` evaluations
  in a row, and keep the adapter weights of the best evaluation, which the job then saves.
"""
from __future__ import annotations

import math

AUTO_EXAMPLE_PASSES = 2000
MIN_EPOCHS, MAX_EPOCHS = 1, 10
# An improvement smaller than this (relative) does not reset the patience: noise on a small held-out slice.
MIN_RELATIVE_IMPROVEMENT = 1e-3


def auto_epochs(train_examples: int) -> int:
    if train_examples <= 0:
        return MIN_EPOCHS
    return max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(AUTO_EXAMPLE_PASSES / train_examples)))


def auto_eval_steps(steps_per_epoch: int) -> int:
    """Four evaluations per epoch (at least one step apart)."""
    return max(1, steps_per_epoch // 4)


class EarlyStopping:
    """Tracks the held-out loss; `update` returns True when training should stop. Pure: no torch."""

    def __init__(self, patience: int | None):
        self.patience = patience
        self.best: float | None = None
        self.best_step: int | None = None
        self.bad_evaluations = 0
        self.stopped_at: int | None = None

    def update(self, step: int, loss: float | None) -> tuple[bool, bool]:
        """Records one evaluation; returns (improved, stop)."""
        if loss is None or not math.isfinite(loss):
            improved = False
        else:
            improved = self.best is None or loss < self.best - MIN_RELATIVE_IMPROVEMENT * abs(self.best)
        if improved:
            self.best, self.best_step, self.bad_evaluations = loss, step, 0
        else:
            self.bad_evaluations += 1
        stop = self.patience is not None and self.bad_evaluations >= self.patience
        if stop and self.stopped_at is None:
            self.stopped_at = step
        return improved, stop
