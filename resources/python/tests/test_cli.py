"""The process-level contract: stdout carries only events, and each failure maps to its error kind."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from malt_runner.__main__ import _error_kind_and_fields
from malt_runner.config import ConfigError
from malt_runner.data import DataError

PYTHON_DIR = Path(__file__).resolve().parents[1]


def test_only_events_reach_stdout():
    script = textwrap.dedent(
        """
        import os, sys
        from malt_runner.events import claim_stdout
        events = claim_stdout()
        print("a stray print")
        sys.stdout.write("a stray write\\n")
        os.write(1, b"C-level noise on fd 1\\n")
        events.emit("progress", step=1, total_steps=2, epoch=0.5, eta_seconds=float("nan"))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=PYTHON_DIR, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["type"] == "progress" and event["step"] == 1 and event["eta_seconds"] is None  # NaN -> null
    for noise in ("a stray print", "a stray write", "C-level noise on fd 1"):
        assert noise in proc.stderr


@pytest.mark.parametrize(
    "error,kind,fields",
    [
        (ConfigError("rank", "rank must be …"), "bad_config", {"field": "rank"}),
        (DataError("/d.jsonl", 3, "not valid JSON"), "bad_data", {"file": "/d.jsonl", "line": 3}),
        (torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "oom", {}),
        (MemoryError(), "oom", {}),
        (RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory"), "oom", {}),
        (ValueError("something else"), "internal", {"exception": "ValueError"}),
    ],
)
def test_error_kinds(error, kind, fields):
    assert _error_kind_and_fields(error) == (kind, fields)
