"""Training throughput: tokens per second and the share of step time spent outside forward/backward.

An optimizer step is everything between two step boundaries: fetching and collating batches, the forward+backward
passes (one per micro-batch with gradient accumulation), the optimizer and scheduler step, and the logging and
checkpointing the Trainer does after a step. `outside_fwd_bwd_fraction` = 1 - (forward+backward time) / (step time);
a high value means the GPU/CPU waits on data, the optimizer or I/O rather than on the model.

Tokens are the non-padding tokens fed to the policy's forward pass (for DPO: chosen and rejected sequences), summed over
the processes of a multi-process run. Evaluations of the held-out slice are left out of the step time.
"""
from __future__ import annotations

import time
from typing import Callable


class ThroughputMeter:
    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        sync: Callable[[], None] | None = None,
        reduce_sum: Callable[[float], float] | None = None,
    ):
        self._clock = clock
        self._sync = sync or (lambda: None)  # torch.cuda.synchronize on CUDA: kernels run asynchronously
        # In a multi-process run each process counts its own tokens; the rates report all of them (every process
        # calls window() and totals() at the same points, as the reduction requires).
        self._reduce_sum = reduce_sum or (lambda value: value)
        self._t_start = self._t_last_step = self._fwd_bwd_began = None
        self.steps = 0
        self.tokens = 0
        self.fwd_bwd_seconds = 0.0
        self.step_seconds = 0.0
        self._window = (0, 0, 0.0, 0.0)  # steps, tokens, fwd_bwd_seconds, step_seconds at the last window() call

    def start(self) -> None:
        self._t_start = self._t_last_step = self._clock()

    def fwd_bwd_begin(self, tokens: int) -> None:
        self._sync()
        self.tokens += tokens
        self._fwd_bwd_began = self._clock()

    def fwd_bwd_end(self) -> None:
        self._sync()
        assert self._fwd_bwd_began is not None, "fwd_bwd_end without fwd_bwd_begin"
        self.fwd_bwd_seconds += self._clock() - self._fwd_bwd_began
        self._fwd_bwd_began = None

    def exclude(self, seconds: float) -> None:
        """Leaves time spent between steps on something else (an evaluation) out of the next step's time."""
        if self._t_last_step is not None:
            self._t_last_step += seconds

    def step_end(self) -> None:
        assert self._t_last_step is not None, "step_end before start"
        now = self._clock()
        self.step_seconds += now - self._t_last_step
        self._t_last_step = now
        self.steps += 1

    @staticmethod
    def _rates(tokens: int, fwd_bwd: float, wall: float) -> dict[str, float | None]:
        return {
            "tokens_per_second": tokens / wall if wall > 0 else None,
            "outside_fwd_bwd_fraction": max(0.0, 1.0 - fwd_bwd / wall) if wall > 0 else None,
        }

    def window(self) -> dict[str, float | None]:
        """Rates since the previous call (for periodic `metrics` events)."""
        steps0, tokens0, fb0, wall0 = self._window
        steps, wall = self.steps - steps0, self.step_seconds - wall0
        out = self._rates(int(self._reduce_sum(self.tokens - tokens0)), self.fwd_bwd_seconds - fb0, wall)
        out["step_seconds"] = wall / steps if steps else None
        self._window = (self.steps, self.tokens, self.fwd_bwd_seconds, self.step_seconds)
        return out

    def totals(self) -> dict[str, float | int | None]:
        tokens = int(self._reduce_sum(self.tokens))
        return {"train_tokens": tokens, **self._rates(tokens, self.fwd_bwd_seconds, self.step_seconds)}

    def eta_seconds(self, total_steps: int) -> float | None:
        if self.steps == 0:
            return None
        return max(0, total_steps - self.steps) * self.step_seconds / self.steps
