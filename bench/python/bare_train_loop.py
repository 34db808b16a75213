"""Baseline for `npm run bench -- train`: a bare PyTorch LoRA training loop of the same shape as the runner's SFT job.

Same base model (the GGUF, dequantized by the runner's own loader), same LoRA (peft, same rank/alpha/targets), same
examples rendered with the model's chat template, same batch size and max length, same AdamW; no trl, no Trainer,
no callbacks. Prints ONE JSON line on stdout: steps, non-padding tokens, forward+backward seconds, step seconds,
tokens per second (non-padding tokens / step wall time, as the runner counts them).

    python bench/python/bare_train_loop.py --config JOB.json      (the runner config of the SFT job to mirror)
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

from malt_runner.train import load_tokenizer_and_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.load(open(args.config))
    torch.manual_seed(config.get("seed", 42))
    # Everything but the events goes to stderr, like the runner.
    real_stdout, sys.stdout = sys.stdout, sys.stderr

    tokenizer, model = load_tokenizer_and_model(config["base_model"], torch.float32)
    lora = LoraConfig(
        task_type="CAUSAL_LM", bias="none", r=config["rank"], lora_alpha=config["alpha"],
        lora_dropout=config.get("dropout", 0.05), target_modules=config["target_modules"],
    )
    model = get_peft_model(model, lora)
    if config.get("gradient_checkpointing"):
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config["learning_rate"])

    examples = [json.loads(line) for line in open(config["train_file"]) if line.strip()]
    batch_size, max_length, steps = config["batch_size"], config["max_length"], config["max_steps"]
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token

    def encode(example):
        prompt = tokenizer.apply_chat_template(example["prompt"], tokenize=False, add_generation_prompt=True)
        full = tokenizer.apply_chat_template(example["prompt"] + example["completion"], tokenize=False)
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids = tokenizer(full, add_special_tokens=False)["input_ids"][:max_length]
        labels = [-100] * min(len(prompt_ids), len(ids)) + ids[len(prompt_ids):]
        return ids, labels[: len(ids)]

    encoded = [encode(example) for example in examples]
    tokens = fwd_bwd = wall = 0.0
    for step in range(steps):
        t_step = time.perf_counter()
        batch = [encoded[(step * batch_size + i) % len(encoded)] for i in range(batch_size)]
        width = max(len(ids) for ids, _ in batch)
        pad = tokenizer.pad_token_id
        input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in batch])
        labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch])
        mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in batch])
        t_fwd = time.perf_counter()
        loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        fwd_bwd += time.perf_counter() - t_fwd
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        tokens += int(mask.sum())
        wall += time.perf_counter() - t_step
        print(f"bare step {step + 1}/{steps}: loss {loss.item():.4f}", file=sys.stderr)

    real_stdout.write(json.dumps({
        "steps": steps, "train_tokens": int(tokens), "fwd_bwd_seconds": fwd_bwd, "step_seconds": wall,
        "tokens_per_second": tokens / wall if wall else None,
        "outside_fwd_bwd_fraction": 1 - fwd_bwd / wall if wall else None,
    }) + "\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
