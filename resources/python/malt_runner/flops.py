"""Model FLOPs utilisation (MFU): the FLOPs a training step needs, per second, over the GPU's peak.

FLOPs per trained token, counting what the step mathematically needs (recomputation from gradient checkpointing is
not counted, as in PaLM's MFU):
- forward: 2 x the base model's matmul weights (every projection and the LM head; embeddings are lookups);
- backward: 2 x those weights again for the activation gradients (the base weights are frozen, so their weight
  gradients are never computed), plus 4 x the LoRA weights for theirs (forward 2 x + backward 4 x = 6 x);
- attention: 4 x layers x heads x head_dim x the average causal context (q.k and attention.v), x 3 with backward;
- DPO also runs the reference model forward (2 x weights + attention forward) for every trained token.

The peak is the dense bfloat16 tensor throughput (no sparsity) from the vendor's data sheet, matched on
`torch.cuda.get_device_name()`; `MALT_PEAK_TFLOPS` overrides it for a GPU the table lacks. On the CPU, in float32 or on
an unknown GPU, MFU is None.
"""
from __future__ import annotations

import os

from .plan import ModelShape

# Dense bf16 tensor TFLOP/s per GPU (data sheets; no 2:4 sparsity). Matched in order, on lower-case substrings of the
# device name, so the more specific names come first.
PEAK_BF16_TFLOPS: tuple[tuple[str, float], ...] = (
    ("gh200", 989.0),
    ("h200 nvl", 835.0),
    ("h200", 989.0),
    ("h100 nvl", 835.0),
    ("h100 pcie", 756.0),
    ("h100", 989.0),  # SXM
    ("h800", 989.0),
    ("h20", 148.0),
    ("b200", 2250.0),
    ("a100", 312.0),
    ("a800", 312.0),
    ("l40s", 362.0),
    ("l40", 181.0),
    ("l4", 121.0),
    ("a6000", 155.0),
    ("a10g", 70.0),
    ("rtx 4090", 165.0),  # GeForce: half rate with float32 accumulation, which bf16 uses
    ("rtx 3090", 71.0),
)


def peak_flops(device_name: str | None, dtype: str, env: dict | None = None) -> float | None:
    """Peak FLOP/s for training in `dtype` on the named GPU, or None when unknown (CPU, float32, not in the table)."""
    env = os.environ if env is None else env
    override = env.get("MALT_PEAK_TFLOPS")
    if override:
        return float(override) * 1e12
    if not device_name or dtype not in ("bfloat16", "float16"):
        return None
    name = device_name.lower()
    for key, tflops in PEAK_BF16_TFLOPS:
        if key in name:
            return tflops * 1e12
    return None


def flops_per_token(shape: ModelShape, mean_context: float, reference_forward: bool = False) -> float:
    """Training FLOPs per token (see the module docstring); `mean_context` is the average causal context length of a
    token, (L + 1) / 2 averaged over the tokens of sequences of length L."""
    attention_forward = 4 * shape.num_layers * shape.num_heads * shape.head_dim * mean_context
    frozen = 2 * shape.linear_params
    flops = 2 * frozen + 6 * shape.trainable_params + 3 * attention_forward
    if reference_forward:
        flops += frozen + attention_forward
    return float(flops)


def mean_causal_context(lengths: list[int]) -> float:
    """Average over all tokens of the number of positions each attends to: sum L(L+1)/2 / sum L."""
    total = sum(lengths)
    return sum(n * (n + 1) / 2 for n in lengths) / total if total else 0.0


def mfu(tokens_per_second: float | None, per_token: float | None, peak: float | None) -> float | None:
    if not tokens_per_second or not per_token or not peak:
        return None
    return tokens_per_second * per_token / peak
