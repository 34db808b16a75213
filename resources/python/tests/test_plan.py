"""Pure execution choices: micro-batch/accumulation/checkpointing from memory, the attention kernel, epochs and early
stopping, and MFU. None of them may change what is optimised: micro-batch x accumulation x processes = the batch."""
from __future__ import annotations

import pytest

from malt_runner.attention import VARLEN, KernelAvailability, choose_attention, resolve_padding_free
from malt_runner.config import ConfigError
from malt_runner.convergence import EarlyStopping, auto_epochs, auto_eval_steps
from malt_runner.flops import flops_per_token, mean_causal_context, mfu, peak_flops
from malt_runner.plan import GIB, ModelShape, micro_batch_bytes, plan_steps, worst_micro_batch_tokens

# SmolLM2-1.7B's shape (24 layers, d 2048, ff 8192, 32 heads) and an 8B llama's.
SHAPE_1_7B = ModelShape(2048, 8192, 24, 32, 32, 64, 49152, 1_610_612_736 + 100_663_296, 18_087_936)
SHAPE_8B = ModelShape(4096, 14336, 32, 32, 8, 128, 128256, 6_979_321_856 + 525_336_576, 41_943_040)


def plan(**overrides):
    args = dict(
        effective_batch=8, world_size=1, requested_micro="auto", requested_checkpointing="auto", device="cuda",
        free_bytes=100 * GIB, shape=SHAPE_1_7B, dtype_bytes=2, lengths=[230] * 64, padded=False, pad_multiple=64,
    )
    args.update(overrides)
    p = plan_steps(**args)
    assert p.micro_batch_size * p.gradient_accumulation_steps * p.world_size == args["effective_batch"]
    return p


def test_short_examples_fit_whole_without_checkpointing():
    p = plan()
    assert (p.micro_batch_size, p.gradient_accumulation_steps, p.gradient_checkpointing) == (8, 1, False)
    assert "fits without checkpointing" in p.reason


def test_long_examples_split_the_batch_before_checkpointing():
    # 8 x 2048 tokens of an 8B model: about 190 GiB of activations; on an H200 with the weights loaded (about
    # 125 GiB free, 100 usable) half the batch per pass fits, with 8k tokens per pass.
    p = plan(shape=SHAPE_8B, lengths=[2048] * 16, free_bytes=125 * GIB)
    assert (p.micro_batch_size, p.gradient_accumulation_steps, p.gradient_checkpointing) == (4, 2, False)


def test_checkpointing_when_splitting_would_leave_passes_too_small():
    # 10 GiB free: only one 2048-token example fits without checkpointing (too few tokens to keep a GPU busy),
    # while checkpointing fits all 8.
    p = plan(shape=SHAPE_1_7B, lengths=[2048] * 16, free_bytes=14 * GIB)
    assert p.gradient_checkpointing is True and p.micro_batch_size > 1


def test_cpu_never_turns_checkpointing_on_by_itself():
    p = plan(device="cpu", shape=SHAPE_8B, lengths=[2048] * 16, free_bytes=20 * GIB, dtype_bytes=4)
    assert p.gradient_checkpointing is False and p.micro_batch_size == 1 and "may not fit" in p.reason
    assert plan(device="cpu", requested_checkpointing=True).gradient_checkpointing is True


def test_explicit_requests_are_kept():
    p = plan(requested_micro=2, requested_checkpointing=True)
    assert (p.micro_batch_size, p.gradient_accumulation_steps, p.gradient_checkpointing) == (2, 4, True)
    assert plan(requested_checkpointing=False, shape=SHAPE_8B, lengths=[4096] * 8, free_bytes=30 * GIB).gradient_checkpointing is False


def test_no_memory_figure_runs_the_whole_batch():
    p = plan(free_bytes=None)
    assert (p.micro_batch_size, p.gradient_checkpointing) == (8, False)


def test_processes_share_the_batch():
    p = plan(world_size=4)
    assert (p.micro_batch_size, p.gradient_accumulation_steps) == (2, 1)
    with pytest.raises(ConfigError) as info:
        plan(world_size=3)
    assert info.value.field == "batch_size"
    with pytest.raises(ConfigError) as info:
        plan(world_size=2, requested_micro=8)
    assert info.value.field == "micro_batch_size"


def test_worst_micro_batch_tokens():
    lengths = [10, 50, 30, 70]
    assert worst_micro_batch_tokens(lengths, 2, padded=True, pad_multiple=None) == 140
    assert worst_micro_batch_tokens(lengths, 2, padded=True, pad_multiple=64) == 256
    assert worst_micro_batch_tokens(lengths, 2, padded=False, pad_multiple=None) == 120
    assert worst_micro_batch_tokens(lengths, 2, padded=False, pad_multiple=64) == 128
    assert worst_micro_batch_tokens(lengths, 1, padded=True, pad_multiple=None, rows_per_example=2) == 140  # DPO


def test_checkpointing_saves_most_activation_memory():
    assert micro_batch_bytes(SHAPE_8B, 2048, 2, True) < 0.2 * micro_batch_bytes(SHAPE_8B, 2048, 2, False)


# Attention --------------------------------------------------------------------------------------------------------------
NONE = KernelAvailability(False, False, False)
TORCH = KernelAvailability(False, False, True)
ALL = KernelAvailability(True, True, True)


@pytest.mark.parametrize(
    "requested,device,dtype,kernels,implementation,varlen",
    [
        ("auto", "cpu", "float32", ALL, "sdpa", False),
        ("auto", "cuda", "float32", ALL, "sdpa", False),
        ("auto", "cuda", "bfloat16", ALL, "flash_attention_3", True),
        ("auto", "cuda", "bfloat16", KernelAvailability(True, False, True), "flash_attention_2", True),
        ("auto", "cuda", "bfloat16", TORCH, VARLEN, True),
        ("auto", "cuda", "float16", NONE, "sdpa", False),
        ("eager", "cpu", "float32", NONE, "eager", False),
        ("varlen", "cuda", "bfloat16", TORCH, VARLEN, True),
    ],
)
def test_attention_choice(requested, device, dtype, kernels, implementation, varlen):
    choice = choose_attention(requested, device, dtype, kernels)
    assert (choice.implementation, choice.varlen) == (implementation, varlen)


@pytest.mark.parametrize(
    "requested,device,dtype,kernels,says",
    [
        ("varlen", "cpu", "float32", ALL, "needs a CUDA GPU"),
        ("flash_attention_2", "cuda", "float32", ALL, "needs bfloat16 or float16"),
        ("flash_attention_2", "cuda", "bfloat16", TORCH, "'flash_attn', which is not installed"),
        ("varlen", "cuda", "bfloat16", NONE, "PyTorch 2.10"),
    ],
)
def test_impossible_attention_is_a_config_error(requested, device, dtype, kernels, says):
    with pytest.raises(ConfigError) as info:
        choose_attention(requested, device, dtype, kernels)
    assert info.value.field == "attention" and says in str(info.value)


def test_padding_free_follows_the_kernel():
    varlen = choose_attention("auto", "cuda", "bfloat16", TORCH)
    sdpa = choose_attention("auto", "cpu", "float32", TORCH)
    assert resolve_padding_free("auto", "sft", varlen)[0] is True
    assert resolve_padding_free("auto", "sft", sdpa)[0] is False
    assert resolve_padding_free(True, "sft", sdpa)[0] is True  # exact anyway (a block-diagonal mask)
    assert resolve_padding_free("auto", "dpo", varlen)[0] is False
    with pytest.raises(ConfigError) as info:
        resolve_padding_free(True, "dpo", varlen)
    assert info.value.field == "padding_free"


# Convergence --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("examples,epochs", [(0, 1), (50, 10), (200, 10), (500, 4), (1999, 2), (2000, 1), (6000, 1)])
def test_auto_epochs_stay_in_the_papers_range(examples, epochs):
    assert auto_epochs(examples) == epochs


def test_auto_eval_steps():
    assert auto_eval_steps(1) == 1 and auto_eval_steps(100) == 25


def test_early_stopping_waits_for_patience_and_remembers_the_best():
    stopping = EarlyStopping(patience=2)
    assert stopping.update(1, 2.0) == (True, False)
    assert stopping.update(2, 1.5) == (True, False)
    assert stopping.update(3, 1.4995) == (False, False)  # within noise: not better
    assert stopping.update(4, 1.7) == (False, True)
    assert (stopping.best, stopping.best_step, stopping.stopped_at) == (1.5, 2, 4)
    never = EarlyStopping(patience=None)
    assert [never.update(s, 1.0)[1] for s in range(1, 6)] == [False] * 5
    assert EarlyStopping(1).update(1, float("nan")) == (False, True)


# MFU ----------------------------------------------------------------------------------------------------------------------
def test_peak_table():
    assert peak_flops("NVIDIA H200", "bfloat16", env={}) == 989e12
    assert peak_flops("NVIDIA H100 PCIe", "bfloat16", env={}) == 756e12
    assert peak_flops("NVIDIA H100 80GB HBM3", "bfloat16", env={}) == 989e12
    assert peak_flops("NVIDIA A100-SXM4-80GB", "float16", env={}) == 312e12
    assert peak_flops("NVIDIA L40S", "bfloat16", env={}) == 362e12
    assert peak_flops("NVIDIA GeForce RTX 4090", "bfloat16", env={}) == 165e12
    assert peak_flops("NVIDIA H200", "float32", env={}) is None
    assert peak_flops("cpu", "float32", env={}) is None and peak_flops("Some New GPU", "bfloat16", env={}) is None
    assert peak_flops("Some New GPU", "bfloat16", env={"MALT_PEAK_TFLOPS": "100"}) == 100e12


def test_flops_per_token():
    per = flops_per_token(SHAPE_8B, mean_causal_context([2048]))
    base = 4 * SHAPE_8B.linear_params
    assert base < per < 1.1 * base  # the frozen weights dominate; attention and LoRA add a few percent
    assert flops_per_token(SHAPE_8B, 1000, reference_forward=True) > 1.4 * flops_per_token(SHAPE_8B, 1000)
    assert mean_causal_context([1, 3]) == pytest.approx((1 + 6) / 4)
    assert mfu(1000.0, 1e12, 1e15) == 1.0 and mfu(None, 1e12, 1e15) is None and mfu(1000.0, 1e12, None) is None
