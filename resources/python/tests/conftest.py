"""Shared fixtures: one real SFT run and one real DPO run on the tiny GGUF (session-scoped, because loading even the
tiny GGUF takes seconds on this machine)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import dpo_rows, require_tiny_model, run_in_process, sft_rows, write_jsonl


@pytest.fixture(scope="session")
def tiny_gguf() -> Path:
    return require_tiny_model()


@pytest.fixture(scope="session")
def sft_run(tmp_path_factory, tiny_gguf):
    work = tmp_path_factory.mktemp("sft")
    write_jsonl(work / "sft.jsonl", sft_rows(8))
    raw = {
        "method": "sft",
        "base_model": str(tiny_gguf),
        "train_file": "sft.jsonl",
        "output_dir": "out",
        "rank": 8,
        "alpha": 16,
        "learning_rate": 5e-3,
        "max_steps": 6,
        "batch_size": 4,
        "max_length": 96,
        "save_steps": 3,
        "gradient_checkpointing": False,
        "seed": 7,
    }
    events, result = run_in_process(raw, work)
    return {"dir": work, "raw": raw, "events": events, "result": result}


@pytest.fixture(scope="session")
def dpo_run(tmp_path_factory, tiny_gguf, sft_run):
    work = tmp_path_factory.mktemp("dpo")
    write_jsonl(work / "dpo.jsonl", dpo_rows(8))
    raw = {
        "method": "dpo",
        "base_model": str(tiny_gguf),
        "train_file": "dpo.jsonl",
        "output_dir": "out",
        "init_adapter": sft_run["result"].finished["adapter_dir"],
        "learning_rate": 5e-3,
        "max_steps": 3,
        "batch_size": 4,
        "max_length": 96,
        "gradient_checkpointing": False,
    }
    events, result = run_in_process(raw, work)
    return {"dir": work, "raw": raw, "events": events, "result": result}


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_gguf):
    from malt_runner.train import load_tokenizer

    return load_tokenizer(str(tiny_gguf))
