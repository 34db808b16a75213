"""SIGTERM/SIGINT handling: cancel at the next optimizer-step boundary, or at once while nothing is trained yet.

Before training starts (config checks, data, model loading) there is nothing to keep, so the first signal raises
`Cancelled` right away. During training it only sets a flag; `EventCallback` sees it at the end of the step and asks
the Trainer to stop, then `run_job` raises `Cancelled`. A second signal while waiting for that boundary ends the
process at once (after a `cancelled` event). Either way the exit code is `EXIT_CANCELLED`.
"""
from __future__ import annotations

import os
import signal

EXIT_CANCELLED = 3


class Cancelled(BaseException):
    """Derives from BaseException (like KeyboardInterrupt) so that library code's `except Exception` cannot swallow it."""

    def __init__(self, step: int | None = None, signal_name: str | None = None):
        self.step = step
        self.signal_name = signal_name
        where = f" at step {step}" if step is not None else " before training started"
        super().__init__(f"cancelled{where}" + (f" ({signal_name})" if signal_name else ""))


class CancelController:
    def __init__(self, on_force_exit=None):
        self.requested = False
        self.signal_name: str | None = None
        self._training = False
        self._on_force_exit = on_force_exit  # called (with the signal name) before a forced exit, to emit the event

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def enter_training(self) -> None:
        self._training = True
        if self.requested:  # a signal arrived while we were about to start
            raise Cancelled(signal_name=self.signal_name)

    def _handle(self, signum, frame) -> None:
        name = signal.Signals(signum).name
        if self.requested:  # second signal: do not wait for the step boundary
            if self._on_force_exit is not None:
                self._on_force_exit(name)
            os._exit(EXIT_CANCELLED)
        self.requested, self.signal_name = True, name
        if not self._training:
            raise Cancelled(signal_name=name)
