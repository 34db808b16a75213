"""How a step runs: micro-batch, accumulation and gradient checkpointing, from the data and the free memory.

The optimisation is fixed by the config: every optimizer step sees `effective_batch_size` examples (the paper's 8).
Only its execution is chosen here: the step is split into `accumulation` forward/backward passes of `micro_batch`
examples on each of `world_size` processes (micro_batch x accumulation x world_size = effective batch), and the
Trainer sums the gradients over them with the loss normalised by the tokens of the whole step, so the update is the
same. Gradient checkpointing trades ~1/3 more compute for far less activation memory, so it is used only when the
micro-batch would not fit otherwise, and never on the CPU unless asked.

The memory estimate is deliberately rough and conservative (activations per token from the model's shape, for the
longest micro-batch the data can produce); `plan_steps` is pure so its decisions are tested without a GPU.
"""
from __future__ import annotations

from dataclasses import dataclass

from .config import ConfigError

GIB = 1024**3
# The share of free memory a plan may fill; the rest absorbs the allocator's fragmentation and the estimate's error.
USABLE_FRACTION = 0.8
# Below this many tokens per micro-batch a large GPU idles; then checkpointing a bigger micro-batch beats splitting.
MIN_TOKENS_PER_MICRO_BATCH = 4096


@dataclass(frozen=True)
class ModelShape:
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    vocab_size: int
    linear_params: int  # weights of every matmul in the base model (all projections and the LM head)
    trainable_params: int  # the LoRA parameters

    @staticmethod
    def of(model) -> "ModelShape":
        """From a transformers causal LM (a PeftModel or the bare model)."""
        import torch

        config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        linear = 0
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.Linear) and "lora_" not in name:
                linear += module.weight.numel()
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        return ModelShape(
            hidden_size=config.hidden_size,
            intermediate_size=config.intermediate_size,
            num_layers=config.num_hidden_layers,
            num_heads=heads,
            num_kv_heads=getattr(config, "num_key_value_heads", None) or heads,
            head_dim=head_dim,
            vocab_size=config.vocab_size,
            linear_params=linear,
            trainable_params=trainable,
        )


def activation_bytes_per_token(shape: ModelShape, dtype_bytes: int, checkpointing: bool) -> float:
    """Activations kept for backward, per token. Without checkpointing a llama block with LoRA on its 7 projections
    keeps about 24 hidden-size and 6 intermediate-size values per token (norm inputs in float32, projection inputs,
    LoRA dropout outputs, q/k/v, the attention output, the MLP's gate, up and product). With checkpointing only each
    block's input stays, plus one block's activations while it is recomputed."""
    per_block = (24 * shape.hidden_size + 6 * shape.intermediate_size) * dtype_bytes
    if checkpointing:
        return shape.num_layers * shape.hidden_size * dtype_bytes + per_block
    return shape.num_layers * per_block


def micro_batch_bytes(shape: ModelShape, tokens: int, dtype_bytes: int, checkpointing: bool) -> float:
    """Activations of one micro-batch of `tokens` tokens, plus the loss's log-probabilities over the vocabulary
    (trl's fused LM head works in chunks; counted as one float32 row per token to stay on the safe side)."""
    return tokens * (activation_bytes_per_token(shape, dtype_bytes, checkpointing) + 4 * shape.vocab_size)


@dataclass(frozen=True)
class StepPlan:
    micro_batch_size: int
    gradient_accumulation_steps: int  # per process
    gradient_checkpointing: bool
    world_size: int
    estimated_bytes: float | None  # activation memory of the largest micro-batch (None when not estimated)
    free_bytes: float | None
    reason: str

    def as_event(self) -> dict:
        return {
            "micro_batch_size": self.micro_batch_size,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            "gradient_checkpointing": self.gradient_checkpointing,
            "world_size": self.world_size,
            "estimated_activation_bytes": self.estimated_bytes,
            "free_memory_bytes": self.free_bytes,
            "plan_reason": self.reason,
        }


def _divisors_descending(n: int) -> list[int]:
    return [d for d in range(n, 0, -1) if n % d == 0]


def worst_micro_batch_tokens(lengths: list[int], micro: int, padded: bool, pad_multiple: int | None, rows_per_example: int = 1) -> int:
    """Tokens in the largest micro-batch the data can produce: padded, `micro` examples (DPO: x2 rows) as long as the
    longest; padding-free, the `micro` longest examples side by side. Rounded up to the shape bucket."""
    if not lengths:
        return 0
    longest = sorted(lengths, reverse=True)
    rows = micro * rows_per_example
    if padded:
        width = longest[0]
        if pad_multiple:
            width = -(-width // pad_multiple) * pad_multiple
        return rows * width
    total = sum(longest[:rows])
    if pad_multiple:
        total = -(-total // pad_multiple) * pad_multiple
    return total


def plan_steps(
    *,
    effective_batch: int,
    world_size: int,
    requested_micro: int | str,
    requested_checkpointing: bool | str,
    device: str,
    free_bytes: float | None,
    shape: ModelShape | None,
    dtype_bytes: int,
    lengths: list[int],
    padded: bool,
    pad_multiple: int | None,
    rows_per_example: int = 1,
) -> StepPlan:
    """Chooses micro-batch, accumulation and checkpointing (see the module docstring)."""
    if effective_batch % world_size:
        raise ConfigError(
            "batch_size",
            f"the effective batch ({effective_batch}) must be divisible by the number of processes ({world_size}) so "
            "that every optimizer step still sees the same examples",
        )
    per_rank = effective_batch // world_size
    if requested_micro != "auto" and per_rank % int(requested_micro):
        raise ConfigError(
            "micro_batch_size",
            f"micro_batch_size {requested_micro} does not divide the {per_rank} examples each of the {world_size} "
            "processes takes per step",
        )
    micros = _divisors_descending(per_rank) if requested_micro == "auto" else [int(requested_micro)]
    ckpt_options = {"auto": [False, True] if device == "cuda" else [False], True: [True], False: [False]}[requested_checkpointing]

    def plan(micro: int, ckpt: bool, estimate: float | None, why: str) -> StepPlan:
        return StepPlan(micro, per_rank // micro, ckpt, world_size, estimate, free_bytes, why)

    if free_bytes is None or shape is None:
        return plan(micros[0], ckpt_options[0], None, "no memory figure: the whole batch in one pass")

    usable = USABLE_FRACTION * free_bytes

    def need(micro: int, ckpt: bool) -> tuple[int, float]:
        tokens = worst_micro_batch_tokens(lengths, micro, padded, pad_multiple, rows_per_example)
        return tokens, micro_batch_bytes(shape, tokens, dtype_bytes, ckpt)

    def fits(micro: int, ckpt: bool) -> bool:
        return need(micro, ckpt)[1] <= usable

    gib = lambda b: f"{b / GIB:.1f} GiB"  # noqa: E731
    plain = next((m for m in micros if fits(m, False)), None) if False in ckpt_options else None
    checkpointed = next((m for m in micros if fits(m, True)), None) if True in ckpt_options else None
    if plain == micros[0]:
        return plan(plain, False, need(plain, False)[1], f"fits without checkpointing ({gib(need(plain, False)[1])} of {gib(usable)} usable)")
    if plain is not None and (checkpointed is None or need(plain, False)[0] >= MIN_TOKENS_PER_MICRO_BATCH or checkpointed <= plain):
        return plan(
            plain, False, need(plain, False)[1],
            f"micro-batch {plain} fits without checkpointing ({gib(need(plain, False)[1])} of {gib(usable)} usable)",
        )
    if checkpointed is not None:
        _, estimate = need(checkpointed, True)
        return plan(checkpointed, True, estimate, f"needs gradient checkpointing to fit ({gib(estimate)} of {gib(usable)} usable)")
    smallest = micros[-1]
    ckpt = True in ckpt_options
    _, estimate = need(smallest, ckpt)
    return plan(
        smallest, ckpt, estimate,
        f"may not fit: micro-batch {smallest} needs about {gib(estimate)} of {gib(usable)} usable (lower max_length)",
    )
