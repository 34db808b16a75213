"""Real short SFT and DPO runs on the tiny GGUF on the CPU (fixtures in conftest.py)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

from malt_runner.gguf_info import read_f32_tensor, read_gguf_header
from malt_runner.throughput import ThroughputMeter

from helpers import TINY_GGUF, sft_rows

SFT_METRICS = {"loss", "learning_rate", "grad_norm", "mean_token_accuracy", "num_tokens", "entropy"}
DPO_METRICS = {
    "loss", "learning_rate", "grad_norm", "rewards/chosen", "rewards/rejected", "rewards/margins",
    "rewards/accuracies", "logps/chosen", "logps/rejected", "logits/chosen", "logits/rejected",
}
PERF_METRICS = {"perf/tokens_per_second", "perf/outside_fwd_bwd_fraction", "perf/step_seconds"}


def check_event_order(events: list[dict], total_steps: int, checkpoint_steps: tuple[int, ...] = ()) -> list[dict]:
    """started, progress 0, then per step: progress, metrics, [checkpoint]; finally finished. Returns the metrics."""
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "finished", types
    assert types.count("started") == types.count("finished") == 1 and "error" not in types
    progress = [e for e in events if e["type"] == "progress"]
    assert [p["step"] for p in progress] == list(range(total_steps + 1))
    assert {p["total_steps"] for p in progress} == {total_steps}
    assert progress[0]["eta_seconds"] is None and progress[-1]["eta_seconds"] == 0
    assert all(a["epoch"] <= b["epoch"] for a, b in zip(progress, progress[1:]))
    body = events[1:-1]
    for step in range(1, total_steps + 1):
        at = [e["type"] for e in body if e.get("step") == step]
        assert at == ["progress", "metrics"] + (["checkpoint"] if step in checkpoint_steps else []), (step, at)
    assert all(e["time"] >= 1e9 for e in events)
    return [e for e in events if e["type"] == "metrics"]


def check_base_unchanged(peft_model) -> None:
    """Every base weight of the trained PeftModel still equals the GGUF's (q/k un-permuted as transformers loads it)."""
    header = read_gguf_header(TINY_GGUF)
    unpermute = LlamaTensorProcessor(config={"num_attention_heads": 4, "num_key_value_heads": 2})
    inner = peft_model.base_model.model
    expected = {"model.embed_tokens.weight": "token_embd.weight", "lm_head.weight": "output.weight",
                "model.norm.weight": "output_norm.weight"}
    for i in range(2):
        for hf, gg in (("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"), ("self_attn.v_proj", "attn_v"),
                       ("self_attn.o_proj", "attn_output"), ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"),
                       ("mlp.down_proj", "ffn_down")):
            expected[f"model.layers.{i}.{hf}.base_layer.weight"] = f"blk.{i}.{gg}.weight"
        expected[f"model.layers.{i}.input_layernorm.weight"] = f"blk.{i}.attn_norm.weight"
        expected[f"model.layers.{i}.post_attention_layernorm.weight"] = f"blk.{i}.ffn_norm.weight"
    params = dict(inner.named_parameters())
    for hf_name, gguf_name in expected.items():
        w = np.asarray(read_f32_tensor(header, gguf_name))
        w = unpermute.process(w.copy(), gguf_name).weights
        assert not params[hf_name].requires_grad, hf_name
        assert np.array_equal(params[hf_name].detach().numpy(), w), f"{hf_name} changed"


def lora_tensors(adapter_dir: str) -> dict[str, torch.Tensor]:
    return load_file(str(Path(adapter_dir) / "adapter_model.safetensors"))


# SFT -------------------------------------------------------------------------------------------------------------------
def test_sft_events(sft_run):
    metrics = check_event_order(sft_run["events"], total_steps=6, checkpoint_steps=(3, 6))
    for m in metrics:
        assert SFT_METRICS | PERF_METRICS <= set(m), set(m)
        assert m["loss"] > 0 and m["learning_rate"] > 0
    started, finished = sft_run["events"][0], sft_run["events"][-1]
    assert started["method"] == "sft" and started["device"] == "cpu" and started["dtype"] == "float32"
    assert started["train_examples"] == 8 and started["lora"]["r"] == 8
    assert finished["steps"] == 6 and finished["train_tokens"] > 0
    assert finished["tokens_per_second"] > 0 and 0 <= finished["outside_fwd_bwd_fraction"] <= 1
    assert finished["train_tokens"] == metrics[-1]["num_tokens"]  # our count agrees with trl's
    for c in (e for e in sft_run["events"] if e["type"] == "checkpoint"):
        assert (Path(c["path"]) / "adapter_model.safetensors").is_file()


def test_sft_trains_lora_only(sft_run):
    model = sft_run["result"].model
    tensors = lora_tensors(sft_run["result"].finished["adapter_dir"])
    assert len(tensors) == 2 * 7 * 2  # A and B, 7 modules, 2 layers
    # PEFT initializes lora_B to zero: non-zero B means the adapter trained
    for name, t in tensors.items():
        if "lora_B" in name:
            assert t.abs().max() > 1e-4, name
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(".lora_A." in n or ".lora_B." in n for n in trainable)
    check_base_unchanged(model)


def test_sft_writes_gguf_adapter(sft_run):
    finished = sft_run["result"].finished
    header = read_gguf_header(finished["gguf_path"])
    assert header.metadata["general.type"] == "adapter" and header.metadata["adapter.type"] == "lora"
    assert header.architecture == "llama" and header.metadata["adapter.lora.alpha"] == 16.0
    assert header.tensor_shapes["blk.0.attn_q.weight.lora_a"] == (8, 64)
    assert header.tensor_shapes["blk.0.attn_k.weight.lora_b"] == (32, 8)
    assert header.tensor_shapes["blk.1.ffn_down.weight.lora_a"] == (8, 128)
    assert len(header.tensor_shapes) == 28
    job = json.loads((Path(finished["adapter_dir"]).parent / "job.json").read_text())
    assert job["method"] == "sft" and job["rank"] == 8


def completion_logprob(model, tokenizer, rows: list[dict]) -> float:
    """Mean log-probability per completion token, with the prompt rendered by the model's chat template."""
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for row in rows:
            prompt = tokenizer.apply_chat_template(row["prompt"], tokenize=False, add_generation_prompt=True)
            full = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=False)
            assert full.startswith(prompt)
            prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            ids = tokenizer(full, add_special_tokens=False)["input_ids"]
            logits = model(input_ids=torch.tensor([ids])).logits[0]  # (T, vocab)
            logp = torch.log_softmax(logits[:-1], dim=-1)
            targets = torch.tensor(ids[1:])
            token_logp = logp.gather(1, targets[:, None])[:, 0]
            completion = token_logp[len(prompt_ids) - 1:]
            total += float(completion.sum())
            count += len(completion)
    return total / count


def test_sft_raises_the_likelihood_of_its_completions(sft_run):
    model, tokenizer = sft_run["result"].model, sft_run["result"].tokenizer
    rows = sft_rows(8)
    trained = completion_logprob(model, tokenizer, rows)
    with model.disable_adapter():
        base = completion_logprob(model, tokenizer, rows)
    print(f"mean completion log-prob: base {base:.3f} -> trained {trained:.3f}")
    assert trained > base + 1.0


# DPO -------------------------------------------------------------------------------------------------------------------
def test_dpo_events_and_reference_is_the_sft_adapter(dpo_run):
    metrics = check_event_order(dpo_run["events"], total_steps=3)
    for m in metrics:
        assert DPO_METRICS | PERF_METRICS <= set(m), set(m)
    # At step 1 the policy is still exactly the SFT adapter; if the reference were anything else (e.g. the base model),
    # the implicit rewards beta * log(pi / pi_ref) would not be zero.
    assert metrics[0]["rewards/chosen"] == pytest.approx(0, abs=1e-6)
    assert metrics[0]["rewards/rejected"] == pytest.approx(0, abs=1e-6)
    assert metrics[-1]["rewards/margins"] > 0  # it learned to prefer the chosen answers
    started = dpo_run["events"][0]
    assert started["method"] == "dpo" and started["init_adapter"] == dpo_run["raw"]["init_adapter"]


def test_dpo_continues_the_sft_adapter_and_saves_it_alone(dpo_run, sft_run):
    sft = lora_tensors(sft_run["result"].finished["adapter_dir"])
    dpo = lora_tensors(dpo_run["result"].finished["adapter_dir"])
    assert set(dpo) == set(sft)  # same rank and modules; the frozen "ref" copy is not saved
    assert any(not torch.equal(sft[k], dpo[k]) for k in sft)
    assert not (Path(dpo_run["result"].finished["adapter_dir"]) / "ref").exists()
    # the saved adapter is the trained policy ("default"), i.e. SFT+DPO in one adapter on the original base
    params = dict(dpo_run["result"].model.named_parameters())
    for key, value in dpo.items():
        live = params[key.replace(".weight", ".default.weight")]
        assert torch.equal(live.detach(), value), key
    check_base_unchanged(dpo_run["result"].model)
    header = read_gguf_header(dpo_run["result"].finished["gguf_path"])
    assert len(header.tensor_shapes) == 28 and header.metadata["general.type"] == "adapter"


# Throughput accounting -------------------------------------------------------------------------------------------------
def test_throughput_meter():
    now = [0.0]
    meter = ThroughputMeter(clock=lambda: now[0])
    meter.start()
    for _ in range(2):  # two optimizer steps: 1 s outside, 3 s forward/backward, 100 tokens each
        now[0] += 1
        meter.fwd_bwd_begin(100)
        now[0] += 3
        meter.fwd_bwd_end()
        meter.step_end()
    assert meter.window() == {"tokens_per_second": 25.0, "outside_fwd_bwd_fraction": 0.25, "step_seconds": 4.0}
    assert meter.window()["tokens_per_second"] is None  # nothing since the last window
    assert meter.totals() == {"train_tokens": 200, "tokens_per_second": 25.0, "outside_fwd_bwd_fraction": 0.25}
    assert meter.eta_seconds(total_steps=5) == 12.0
