"""Padding-free batches train exactly what padded batches train: the same loss and the same LoRA gradients on the tiny
model, with sdpa (transformers' block-diagonal mask from the position ids) and with our varlen attention function (its
kernel replaced on the CPU by a per-example reference, since PyTorch's varlen kernel runs only on CUDA)."""
from __future__ import annotations

import pytest
import torch
from peft import LoraConfig, get_peft_model
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

from malt_runner import attention
from malt_runner.attention import VARLEN, AttentionChoice, real_tokens
from malt_runner.config import DEFAULT_TARGET_MODULES
from malt_runner.sequences import encode_examples, sft_rows
from malt_runner.train import load_tokenizer_and_model

from helpers import SYSTEM


def rows_of_different_lengths(tokenizer) -> list[dict]:
    examples = [
        {
            "prompt": [SYSTEM, {"role": "user", "content": "What is 2 plus 3?" + " Think carefully." * i}],
            "completion": [{"role": "assistant", "content": "2 + 3 = 5." + " Checked." * i + " Final Answer: 5"}],
        }
        for i in range(4)
    ]
    return sft_rows(encode_examples(tokenizer, examples, "sft"))


@pytest.fixture(scope="module")
def tiny(tiny_gguf):
    tokenizer, model = load_tokenizer_and_model(str(tiny_gguf), torch.float32)
    torch.manual_seed(0)
    # Random A and B (PEFT starts B at zero, which would leave A's gradients zero and the check weaker).
    lora = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=list(DEFAULT_TARGET_MODULES), init_lora_weights=False)
    model = get_peft_model(model, lora)
    model.train()
    return tokenizer, model


def loss_and_grads(model, batch: dict) -> tuple[float, dict[str, torch.Tensor]]:
    model.zero_grad(set_to_none=True)
    out = model(**batch, use_cache=False)
    out.loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    model.zero_grad(set_to_none=True)
    return float(out.loss.detach()), grads


def assert_same(a: tuple[float, dict], b: tuple[float, dict]) -> None:
    assert a[0] == pytest.approx(b[0], rel=1e-5)
    assert set(a[1]) == set(b[1]) and len(a[1]) == 2 * 7 * 2
    for name in a[1]:
        torch.testing.assert_close(a[1][name], b[1][name], rtol=1e-4, atol=1e-6, msg=name)
    assert any(g.abs().max() > 0 for g in a[1].values())


def collate(tokenizer, rows, padding_free: bool, pad_to_multiple_of=None) -> dict:
    collator = DataCollatorForLanguageModeling(
        pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
        padding_free=padding_free,
        pad_to_multiple_of=pad_to_multiple_of,
    )
    return collator(rows)


def test_rows_differ_in_length(tiny):
    tokenizer, _ = tiny
    lengths = [len(r["input_ids"]) for r in rows_of_different_lengths(tokenizer)]
    assert len(set(lengths)) == 4, lengths  # so the padded batch really pads


def test_padding_free_equals_padded_with_sdpa(tiny):
    tokenizer, model = tiny
    model.set_attn_implementation("sdpa")
    rows = rows_of_different_lengths(tokenizer)
    padded = collate(tokenizer, rows, padding_free=False)
    flat = collate(tokenizer, rows, padding_free=True)
    assert padded["input_ids"].shape[0] == 4 and flat["input_ids"].shape[0] == 1
    assert real_tokens(padded) == real_tokens(flat) == sum(len(r["input_ids"]) for r in rows)
    assert_same(loss_and_grads(model, padded), loss_and_grads(model, flat))


def test_bucket_padding_changes_nothing(tiny):
    tokenizer, model = tiny
    model.set_attn_implementation("sdpa")
    rows = rows_of_different_lengths(tokenizer)
    flat = collate(tokenizer, rows, padding_free=True)
    bucketed = collate(tokenizer, rows, padding_free=True, pad_to_multiple_of=64)
    assert bucketed["input_ids"].shape[1] % 64 == 0 and bucketed["input_ids"].shape[1] > flat["input_ids"].shape[1]
    assert real_tokens(bucketed) == real_tokens(flat)
    padded = collate(tokenizer, rows, padding_free=False, pad_to_multiple_of=64)
    assert padded["input_ids"].shape[1] % 64 == 0 and real_tokens(padded) == real_tokens(flat)
    assert_same(loss_and_grads(model, flat), loss_and_grads(model, bucketed))
    assert_same(loss_and_grads(model, flat), loss_and_grads(model, padded))


def reference_varlen(q, k, v, cu_q, cu_k, max_q, max_k, *, scale=None, window_size=(-1, -1), enable_gqa=False):
    """What torch.nn.attention.varlen.varlen_attn computes, one example at a time with sdpa ((T, H, D) layout)."""
    assert window_size == (-1, 0), "the runner asks for causal attention"
    assert cu_q.dtype == torch.int32 and torch.equal(cu_q, cu_k)
    assert max_q == max_k == int((cu_q[1:] - cu_q[:-1]).max())
    outs = []
    for a, b in zip(cu_q[:-1].tolist(), cu_q[1:].tolist()):
        qs, ks, vs = (t[a:b].transpose(0, 1)[None] for t in (q, k, v))  # (1, H, L, D)
        out = torch.nn.functional.scaled_dot_product_attention(qs, ks, vs, is_causal=True, scale=scale, enable_gqa=enable_gqa)
        outs.append(out[0].transpose(0, 1))
    return torch.cat(outs)


def test_varlen_attention_function_equals_padded_sdpa(tiny, monkeypatch):
    tokenizer, model = tiny
    rows = rows_of_different_lengths(tokenizer)
    model.set_attn_implementation("sdpa")
    expected = loss_and_grads(model, collate(tokenizer, rows, padding_free=False))
    calls = []

    def counting_kernel(*args, **kwargs):
        calls.append(args[0].shape)
        return reference_varlen(*args, **kwargs)

    monkeypatch.setattr(attention, "_kernel", counting_kernel)
    attention.install(model, AttentionChoice(VARLEN, "varlen", True, "test"))
    try:
        assert_same(expected, loss_and_grads(model, collate(tokenizer, rows, padding_free=True, pad_to_multiple_of=64)))
        assert len(calls) == 2  # one per layer of the tiny model: the packed row went through the varlen kernel
        # A padded batch (DPO, evaluation) through the same function: causal attention over right-padded rows.
        calls.clear()
        assert_same(expected, loss_and_grads(model, collate(tokenizer, rows, padding_free=False)))
        assert calls == []
    finally:
        model.set_attn_implementation("sdpa")
