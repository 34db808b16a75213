"""Baseline for `npm run bench -- train`: a bare PEFT LoRA training loop of the same shape as the runner's SFT job.

Same base model (the GGUF, dequantized by the runner's own loader), same LoRA (peft, same rank/alpha/targets), same
examples tokenized and fitted to max_length as the runner does it, same batch, same device and precision (bf16 weights
and autocast on a GPU that supports it, float32 on the CPU), same AdamW, and gradient checkpointing as given; plain
padded batches in the order of the file and the default (sdpa) attention. No trl, no Trainer, no callbacks: the plain
"transformers + PEFT" loop a researcher would write. Prints ONE JSON line on stdout: steps, non-padding tokens,
forward+backward seconds, step seconds, tokens per second (non-padding tokens / step wall time, as the runner counts
them), the share of step time outside forward/backward, and MFU (as the runner computes it; null without a known peak).

    python bench/python/bare_train_loop.py --config JOB.json [--checkpointing on|off] [--device auto|cpu|cuda]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "resources", "python"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from peft import LoraConfig, get_peft_model  # noqa: E402

from malt_runner.data import read_training_file  # noqa: E402
from malt_runner.device import choose_device, detect_device  # noqa: E402
from malt_runner.flops import flops_per_token, mean_causal_context, mfu, peak_flops  # noqa: E402
from malt_runner.plan import ModelShape  # noqa: E402
from malt_runner.sequences import encode_examples, fit_to_length, sequence_lengths, sft_rows  # noqa: E402
from malt_runner.train import TORCH_DTYPES, load_tokenizer_and_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--checkpointing", choices=["on", "off"], default="off")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    args = parser.parse_args()
    config = json.load(open(args.config))
    torch.manual_seed(config.get("seed", 42))
    # Everything but the result goes to stderr, like the runner.
    real_stdout, sys.stdout = sys.stdout, sys.stderr

    cuda, bf16 = detect_device()
    choice = choose_device(args.device, config.get("dtype", "auto"), cuda_available=cuda, bf16_supported=bf16)
    device = torch.device(choice.device)
    tokenizer, model = load_tokenizer_and_model(config["base_model"], TORCH_DTYPES[choice.dtype])
    model.set_attn_implementation("sdpa")
    lora = LoraConfig(
        task_type="CAUSAL_LM", bias="none", r=config["rank"], lora_alpha=config["alpha"],
        lora_dropout=config.get("dropout", 0.05), target_modules=config["target_modules"],
    )
    model = get_peft_model(model, lora).to(device)
    if args.checkpointing == "on":
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config["learning_rate"])

    examples = read_training_file(config["train_file"], "sft")
    fitted = fit_to_length(encode_examples(tokenizer, examples, "sft"), config.get("max_length"))
    rows = sft_rows(fitted.examples)
    batch_size, steps = config["batch_size"] * config.get("gradient_accumulation_steps", 1), config["max_steps"]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    autocast = torch.autocast(device.type, dtype=torch.bfloat16 if choice.mixed_precision == "bf16" else torch.float16,
                              enabled=choice.mixed_precision is not None)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    per_token = flops_per_token(ModelShape.of(model), mean_causal_context(sequence_lengths(fitted.examples)))
    peak = peak_flops(torch.cuda.get_device_name(device) if device.type == "cuda" else None, choice.dtype)

    tokens = 0
    fwd_bwd = wall = 0.0
    step_tokens: list[int] = []
    step_walls: list[float] = []
    for step in range(steps):
        sync()
        t_step = time.perf_counter()
        batch = [rows[(step * batch_size + i) % len(rows)] for i in range(batch_size)]
        width = max(len(r["input_ids"]) for r in batch)
        input_ids = torch.tensor([r["input_ids"] + [pad] * (width - len(r["input_ids"])) for r in batch], device=device)
        labels = torch.tensor([r["labels"] + [-100] * (width - len(r["labels"])) for r in batch], device=device)
        mask = torch.tensor([[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in batch], device=device)
        sync()
        t_fwd = time.perf_counter()
        with autocast:
            loss = model(input_ids=input_ids, attention_mask=mask, labels=labels, use_cache=False).loss
        loss.backward()
        sync()
        fwd_bwd += time.perf_counter() - t_fwd
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        tokens += sum(len(r["input_ids"]) for r in batch)
        sync()
        wall += time.perf_counter() - t_step
        step_tokens.append(sum(len(r["input_ids"]) for r in batch))
        step_walls.append(time.perf_counter() - t_step)
        print(f"bare step {step + 1}/{steps}: loss {loss.item():.4f}", file=sys.stderr)

    tps = tokens / wall if wall else None
    # Steady state: without the first step, which also pays for warming up (kernels, allocator, caches).
    steady = sum(step_tokens[1:]) / sum(step_walls[1:]) if len(step_walls) > 1 and sum(step_walls[1:]) else None
    real_stdout.write(json.dumps({
        "steps": steps, "train_tokens": int(tokens), "fwd_bwd_seconds": fwd_bwd, "step_seconds": wall,
        "tokens_per_second": tps, "steady_tokens_per_second": steady, "outside_fwd_bwd_fraction": 1 - fwd_bwd / wall if wall else None,
        "mfu": mfu(tps, per_token, peak), "gradient_checkpointing": args.checkpointing == "on",
    }) + "\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
