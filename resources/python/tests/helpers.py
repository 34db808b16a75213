"""Test helpers: the tiny test GGUF, small data sets, and running a job in this process."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
TINY_GGUF = REPO_ROOT / ".models" / "tiny" / "tiny-llama.gguf"
SYSTEM = {"role": "system", "content": "You are a careful math solver. End with 'Final Answer: <number>'."}


def require_tiny_model() -> Path:
    if not TINY_GGUF.is_file():  # never skip silently: the runner tests are the point of this suite
        pytest.fail(
            f"the tiny test model {TINY_GGUF} is missing; create it with "
            "`python scripts/make_tiny_llama.py --tokenizer-from .models/SmolLM2-135M-Instruct.Q4_1.gguf --out-dir .models/tiny`"
        )
    return TINY_GGUF


def sft_rows(n: int) -> list[dict]:
    return [
        {
            "prompt": [SYSTEM, {"role": "user", "content": f"What is {i} plus {i + 2}?"}],
            "completion": [{"role": "assistant", "content": f"{i} + {i + 2} = {2 * i + 2}. Final Answer: {2 * i + 2}"}],
            "meta": {"node_id": f"r{i}", "value": 1.0},
        }
        for i in range(n)
    ]


def dpo_rows(n: int) -> list[dict]:
    return [
        {
            "prompt": [SYSTEM, {"role": "user", "content": f"What is {i} plus {i + 2}?"}],
            "chosen": [{"role": "assistant", "content": f"Final Answer: {2 * i + 2}"}],
            "rejected": [{"role": "assistant", "content": f"Final Answer: {2 * i + 9}"}],
            "meta": {"pair": i},
        }
        for i in range(n)
    ]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run_in_process(raw_config: dict, base_dir: Path):
    """Runs a job in this process; returns (events, TrainResult)."""
    from malt_runner.config import check_paths, job_config_from_dict
    from malt_runner.events import EventWriter
    from malt_runner.train import run_job

    config = job_config_from_dict(raw_config, base_dir=base_dir)
    check_paths(config)
    events = EventWriter(io.StringIO())
    result = run_job(config, events)
    lines = events._stream.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == events.history, "every event is exactly one JSON line"
    return events.history, result
