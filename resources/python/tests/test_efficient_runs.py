"""Real runs on the tiny GGUF: the execution choices train the same thing, the data report, early stopping."""
from __future__ import annotations

import json

import pytest
import torch

from helpers import SYSTEM, run_in_process, sft_rows, write_jsonl

from test_train import lora_tensors


def equivalence_job(tiny_gguf, **overrides) -> dict:
    return {
        "method": "sft",
        "base_model": str(tiny_gguf),
        "train_file": "sft.jsonl",
        "output_dir": "out",
        "rank": 8,
        "alpha": 16,
        "dropout": 0.0,  # dropout draws different masks for differently shaped batches
        "learning_rate": 5e-3,
        "max_steps": 2,
        "batch_size": 4,
        "max_length": 96,
        "seed": 3,
        "export_gguf": False,
        **overrides,
    }


def run(tmp_path_factory, name: str, raw: dict, rows: list[dict]):
    work = tmp_path_factory.mktemp(name)
    write_jsonl(work / raw["train_file"], rows)
    return run_in_process(raw, work)


def by_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


@pytest.fixture(scope="module")
def three_ways(tmp_path_factory, tiny_gguf):
    rows = sft_rows(8)
    for i, row in enumerate(rows):  # lengths differ, so padding matters
        row["completion"][0]["content"] += " Double-checked." * (i % 4)
    return {
        name: run(tmp_path_factory, name, equivalence_job(tiny_gguf, **overrides), rows)
        for name, overrides in {
            "padded": {"padding_free": False, "micro_batch_size": 4},
            "padding_free": {"padding_free": True, "micro_batch_size": 4},
            "micro_batches": {"padding_free": False, "micro_batch_size": 2},
        }.items()
    }


def test_the_plan_is_what_was_asked(three_ways):
    plans = {name: by_type(events, "plan")[0] for name, (events, _) in three_ways.items()}
    assert [(p["micro_batch_size"], p["gradient_accumulation_steps"], p["padding_free"]) for p in plans.values()] == [
        (4, 1, False), (4, 1, True), (2, 2, False)
    ]
    for p in plans.values():
        assert p["effective_batch_size"] == 4 and p["gradient_checkpointing"] is False  # the CPU does not checkpoint
        assert p["attention"] == "sdpa" and p["pad_to_multiple_of"] is None and p["world_size"] == 1
    assert "padded" in plans["padded"]["padding_reason"]


@pytest.mark.parametrize("other", ["padding_free", "micro_batches"])
def test_same_losses_and_same_adapter(three_ways, other):
    """Padding-free batches and micro-batches with accumulation change how a step runs, not what it optimises."""
    (base_events, base), (events, result) = three_ways["padded"], three_ways[other]
    losses = [m["loss"] for m in by_type(base_events, "metrics")]
    assert len(losses) == 2
    assert [m["loss"] for m in by_type(events, "metrics")] == pytest.approx(losses, rel=1e-4)
    assert base.finished["train_tokens"] == result.finished["train_tokens"]  # no padding counted either way
    a, b = lora_tensors(base.finished["adapter_dir"]), lora_tensors(result.finished["adapter_dir"])
    assert set(a) == set(b)
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=1e-3, atol=1e-5, msg=name)
    assert any(a[name].abs().max() > 1e-4 for name in a if "lora_B" in name)  # it trained


def test_data_event_reports_what_was_cut(tmp_path_factory, tiny_gguf):
    rows = sft_rows(4)
    rows[1]["prompt"][1]["content"] = "Consider this carefully. " * 30 + rows[1]["prompt"][1]["content"]
    rows[2]["completion"][0]["content"] = "Let me think step by step. " * 40
    events, result = run(tmp_path_factory, "cut", equivalence_job(tiny_gguf, max_length=96, max_steps=1), rows)
    types = [e["type"] for e in events]
    assert types[:4] == ["started", "data", "plan", "progress"]
    data = by_type(events, "data")[0]
    assert (data["examples"], data["kept"], data["train_examples"], data["eval_examples"]) == (4, 3, 3, 0)
    assert (data["prompts_truncated"], data["truncated_lines"], data["dropped"], data["dropped_lines"]) == (1, [2], 1, [3])
    assert data["prompt_tokens_removed"] > 50 and data["max_length"] == data["applied_max_length"] == 96
    assert data["longest_tokens"] > 96
    assert result.finished["steps"] == 1


def test_held_out_loss_and_early_stopping(tmp_path_factory, tiny_gguf):
    """A learning rate far too high makes the held-out loss jump around: training stops at the first evaluation that is
    not better (patience 1) and keeps the adapter of the best one."""
    raw = equivalence_job(
        tiny_gguf, max_steps=12, batch_size=2, learning_rate=0.5, eval_fraction=0.25, eval_steps=1,
        early_stopping_patience=1,
    )
    events, result = run(tmp_path_factory, "early", raw, sft_rows(12))
    data = by_type(events, "data")[0]
    assert (data["train_examples"], data["eval_examples"]) == (9, 3)
    evals = [m for m in by_type(events, "metrics") if "eval_loss" in m]
    train = [m for m in by_type(events, "metrics") if "loss" in m]
    assert evals and all("perf/tokens_per_second" not in m for m in evals)
    assert [m["step"] for m in evals] == [m["step"] for m in train]  # one evaluation per step (eval_steps 1)
    finished = result.finished
    losses = [m["eval_loss"] for m in evals]
    best = min(range(len(losses)), key=losses.__getitem__)
    print("held-out losses:", losses)
    assert finished["stopped_early"] is True and finished["steps"] < 12
    assert finished["best_eval_loss"] == pytest.approx(losses[best]) and finished["best_step"] == evals[best]["step"]
    assert len(losses) - 1 - best == 1 and losses[-1] >= losses[best]  # stopped at the first evaluation not better
    # The saved adapter is the best evaluation's, not the last step's.
    saved = lora_tensors(finished["adapter_dir"])
    live = dict(result.model.named_parameters())
    for key, value in saved.items():  # the live model was rolled back to the best state before saving
        assert torch.equal(value, live[key.replace(".weight", ".default.weight")].detach()), key
    plan = by_type(events, "plan")[0]
    assert plan["eval_steps"] == 1 and plan["num_epochs"] == 1.0
    from test_event_samples import check_event

    for event in events:  # a held-out run's events have the shapes the app's schema is tested against
        check_event(event)


def test_dpo_held_out_slice(tmp_path_factory, tiny_gguf):
    from helpers import dpo_rows

    raw = {**equivalence_job(tiny_gguf, max_steps=2, batch_size=2, eval_fraction=0.25, eval_steps=1), "method": "dpo",
           "train_file": "dpo.jsonl", "learning_rate": 1e-3}
    events, result = run(tmp_path_factory, "dpo-eval", raw, dpo_rows(8))
    data = by_type(events, "data")[0]
    assert (data["train_examples"], data["eval_examples"]) == (6, 2)
    plan = by_type(events, "plan")[0]
    assert plan["padding_free"] is False and "DPO" in plan["padding_reason"]
    evals = [m for m in by_type(events, "metrics") if "eval_loss" in m]
    assert [m["step"] for m in evals] == [1, 2]
    assert all("eval_rewards/margins" in m for m in evals)
    assert result.finished["best_step"] in (1, 2) and result.finished["stopped_early"] is False
