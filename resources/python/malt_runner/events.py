"""JSON-line events on the real stdout, and the guard that keeps everything else off it.

The app reads the runner's stdout line by line and parses every line as one JSON event, so a single stray
`print`, tqdm bar or C-library message on stdout would break the protocol. `claim_stdout()` therefore:

1. duplicates file descriptor 1 into a private stream that only `EventWriter` writes to, then
2. points fd 1 itself at stderr (`dup2`), so C/C++ code (torch, tokenizers) that writes to fd 1 lands on stderr, and
3. sets `sys.stdout = sys.stderr`, so Python-level prints do too.

Every event is one object with a `type` and a `time` (Unix seconds). Non-finite floats (NaN, inf), which JSON cannot
carry, are written as `null`. See README.md, "Event protocol", for each event's fields.
"""
from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from typing import IO, Any

EVENT_TYPES = ("started", "data", "plan", "progress", "metrics", "checkpoint", "finished", "error")
ERROR_KINDS = ("bad_config", "bad_data", "oom", "cancelled", "internal")


def _jsonable(value: Any) -> Any:
    """Makes a value strict-JSON safe: NaN/inf -> None, tensors/numpy scalars -> Python numbers, paths -> str."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # torch / numpy scalars
        return _jsonable(value.item())
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


class EventWriter:
    """Writes one JSON object per line to `stream` and flushes at once (the parent shows progress live)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self._lock = threading.RLock()  # reentrant: a signal handler may emit while the main thread is inside emit()
        self.history: list[dict[str, Any]] = []  # kept for in-process callers (tests)

    def emit(self, type: str, **fields: Any) -> dict[str, Any]:
        assert type in EVENT_TYPES, f"unknown event type {type!r}"
        event = _jsonable({"type": type, "time": round(time.time(), 3), **fields})
        line = json.dumps(event, allow_nan=False, ensure_ascii=False)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()
            self.history.append(event)
        return event

    def write_raw(self, line: str) -> None:
        """Passes on one event line written by another runner process (the launcher relays rank 0's events)."""
        with self._lock:
            self._stream.write(line.rstrip("\n") + "\n")
            self._stream.flush()

    def error(self, kind: str, message: str, **fields: Any) -> dict[str, Any]:
        assert kind in ERROR_KINDS, f"unknown error kind {kind!r}"
        return self.emit("error", kind=kind, message=message, **fields)


def claim_stdout(write_events: bool = True) -> EventWriter:
    """Keeps fd 1 for events only and sends everything else written to stdout to stderr (see module docstring).
    With `write_events` False (a process other than rank 0 of a multi-process run) events go nowhere."""
    sys.stdout.flush()
    event_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if not write_events:
        os.close(event_fd)
        return EventWriter(open(os.devnull, "w", encoding="utf-8"))
    return EventWriter(os.fdopen(event_fd, "w", encoding="utf-8", buffering=1))
