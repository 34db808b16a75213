"""Which attention kernel a job runs, and PyTorch's variable-length flash kernel as a transformers attention function.

Padding-free batches (trl's `padding_free`) flatten a micro-batch into one row and reset `position_ids` at each
example; trl's collator also passes the boundaries as `cu_seq_lens_q/k` and `max_length_q/k`. A variable-length kernel
then attends within each example only, so a step costs what its real tokens cost. With `sdpa` or `eager`
transformers builds a block-diagonal mask from the position ids instead: still exact, but the attention then spans
the whole row, so padding-free only pays off with a varlen kernel. In order of preference on a GPU (half precision):

- `flash_attention_3` / `flash_attention_2`: the flash-attn packages, where installed (transformers' own integration);
- `varlen`: `torch.nn.attention.varlen.varlen_attn`, the flash kernel that ships inside PyTorch (no extra package),
  registered here under transformers' `AttentionInterface`;
- `sdpa` otherwise, and always on the CPU.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from .config import ConfigError

VARLEN = "malt_varlen"  # the name our varlen attention function is registered under in transformers
HALF_DTYPES = ("bfloat16", "float16")


@dataclass(frozen=True)
class AttentionChoice:
    implementation: str  # the transformers attn_implementation
    name: str  # as the config spells it ("varlen" for VARLEN)
    varlen: bool  # whether a padding-free row is attended per example (no wasted attention)
    reason: str


@dataclass(frozen=True)
class KernelAvailability:
    flash_attention_2: bool
    flash_attention_3: bool
    torch_varlen: bool

    @staticmethod
    def detect() -> "KernelAvailability":
        return KernelAvailability(
            flash_attention_2=importlib.util.find_spec("flash_attn") is not None,
            flash_attention_3=importlib.util.find_spec("flash_attn_interface") is not None,
            torch_varlen=importlib.util.find_spec("torch.nn.attention.varlen") is not None,
        )


def choose_attention(requested: str, device: str, dtype: str, kernels: KernelAvailability) -> AttentionChoice:
    """A pure function of the request and the machine. An explicit request that cannot run is a ConfigError."""
    half = dtype in HALF_DTYPES
    if requested in ("sdpa", "eager"):
        return AttentionChoice(requested, requested, False, f"{requested} as requested")
    if requested != "auto":
        package = {"flash_attention_2": "flash_attn", "flash_attention_3": "flash_attn_interface"}.get(requested)
        if device != "cuda":
            raise ConfigError("attention", f"attention {requested!r} needs a CUDA GPU; this job runs on the {device}")
        if not half:
            raise ConfigError("attention", f"attention {requested!r} needs bfloat16 or float16, got dtype {dtype!r}")
        if package and not getattr(kernels, requested):
            raise ConfigError("attention", f"attention {requested!r} needs the Python package {package!r}, which is not installed")
        if requested == "varlen" and not kernels.torch_varlen:
            raise ConfigError("attention", "attention 'varlen' needs torch.nn.attention.varlen (PyTorch 2.10 or newer)")
        implementation = VARLEN if requested == "varlen" else requested
        return AttentionChoice(implementation, requested, True, f"{requested} as requested")
    if device != "cuda":
        return AttentionChoice("sdpa", "sdpa", False, "sdpa: the CPU has no variable-length attention kernel")
    if not half:
        return AttentionChoice("sdpa", "sdpa", False, f"sdpa: varlen kernels need bfloat16/float16, not {dtype}")
    for name in ("flash_attention_3", "flash_attention_2"):
        if getattr(kernels, name):
            return AttentionChoice(name, name, True, f"{name}: installed")
    if kernels.torch_varlen:
        return AttentionChoice(VARLEN, "varlen", True, "varlen: PyTorch's flash kernel (no flash-attn package installed)")
    return AttentionChoice("sdpa", "sdpa", False, "sdpa: no variable-length kernel available")


def resolve_padding_free(requested: bool | str, method: str, attention: AttentionChoice) -> tuple[bool, str]:
    """(padding_free, reason). "auto" turns it on where a varlen kernel attends each example on its own."""
    if method == "dpo":
        if requested is True:
            raise ConfigError(
                "padding_free", "padding_free is not available for DPO (trl 1.16 turned it off in its DPO trainer)"
            )
        return False, "padded: trl's DPO trainer has no padding-free mode"
    if requested == "auto":
        if attention.varlen:
            return True, f"padding-free: {attention.name} attends each example on its own"
        return False, f"padded: with {attention.name} a padding-free row would attend across the whole row"
    return bool(requested), f"{'padding-free' if requested else 'padded'} as requested"


# The varlen kernel, swappable so that the glue below can be checked on a CPU against a reference implementation.
_kernel: Any = None


def _varlen_kernel():
    if _kernel is not None:
        return _kernel
    from torch.nn.attention.varlen import varlen_attn

    return varlen_attn


def varlen_attention_forward(
    module, query, key, value, attention_mask, dropout: float = 0.0, scaling: float | None = None, **kwargs
):
    """transformers attention function: query (B, H, T, D), key/value (B, H_kv, T, D) -> ((B, T, H, D), None)."""
    import torch

    cu_q = kwargs.get("cu_seq_lens_q")
    n_heads, n_kv = query.shape[1], key.shape[1]
    if cu_q is None or query.shape[0] != 1:
        # A padded batch (DPO, evaluation, a reference forward). transformers builds no mask for an attention function
        # it does not know, and trl's collators pad on the right, so causal attention never reaches a pad token.
        out = torch.nn.functional.scaled_dot_product_attention(
            query, key, value, attn_mask=attention_mask, is_causal=attention_mask is None and query.shape[2] > 1,
            scale=scaling, enable_gqa=n_kv != n_heads,
        )
        return out.transpose(1, 2).contiguous(), None
    cu_k = kwargs.get("cu_seq_lens_k", cu_q)
    dtype = query.dtype
    if dtype == torch.float32 and torch.is_autocast_enabled(query.device.type):
        dtype = torch.get_autocast_dtype(query.device.type)
    q, k, v = (t[0].transpose(0, 1).to(dtype) for t in (query, key, value))  # (T, heads, D)
    out = _varlen_kernel()(
        q, k, v, cu_q, cu_k, int(kwargs["max_length_q"]), int(kwargs.get("max_length_k", kwargs["max_length_q"])),
        scale=scaling, window_size=(-1, 0), enable_gqa=n_kv != n_heads,
    )
    return out.unsqueeze(0).to(query.dtype), None


def install(model, choice: AttentionChoice) -> None:
    """Points the model at the chosen attention implementation (registering ours first when it is the varlen one)."""
    if choice.implementation == VARLEN:
        from transformers import AttentionInterface

        AttentionInterface.register(VARLEN, varlen_attention_forward)
    model.set_attn_implementation(choice.implementation)


def real_tokens(inputs: dict[str, Any]) -> int:
    """Tokens of real examples in a collated micro-batch, without padding: the attention mask's ones in a padded batch;
    in a padding-free row the examples' lengths from `cu_seq_lens_q`, where a bucket's padding shows up as sequences of
    one token (position 0 each), while every real example has at least two (a prompt token and a completion token)."""
    mask = inputs.get("attention_mask")
    if mask is not None:
        return int(mask.sum())
    cu = inputs.get("cu_seq_lens_q")
    if cu is not None:
        lengths = cu[1:] - cu[:-1]
        return int(lengths[lengths > 1].sum())
    return int(inputs["input_ids"].numel())
