"""Greedy continuations of a raw prompt from the base model and from base + PEFT adapter, computed in torch.

Helper for parity.test.ts, which compares them with node-llama-cpp running the base GGUF + the exported LoRA GGUF.
Prints ONE JSON object on stdout:
    {"prompt_tokens": [...], "base": {"tokens": [...], "text": "..."}, "adapted": {"tokens": [...], "text": "..."}}

    resources/python/.venv/bin/python test/runner/peft_greedy.py --base M.gguf --adapter DIR --prompt "..." --max-tokens 12
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "resources" / "python"))

import malt_runner  # noqa: E402,F401  (sets HF_HUB_OFFLINE before transformers is imported)


def greedy(model, prompt_ids: list[int], max_tokens: int, stop_ids: set[int]) -> list[int]:
    """Plain argmax decoding, one token at a time over the full sequence (no cache: the reference must be simple)."""
    import torch

    ids = list(prompt_ids)
    out: list[int] = []
    with torch.no_grad():
        for _ in range(max_tokens):
            logits = model(input_ids=torch.tensor([ids])).logits[0, -1]  # (vocab,)
            token = int(torch.argmax(logits))
            if token in stop_ids:
                break
            out.append(token)
            ids.append(token)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--max-tokens", type=int, default=12)
    parser.add_argument(
        "--write-unpermuted", help="also export the adapter WITHOUT the q/k rotary permutation here (a negative control)"
    )
    args = parser.parse_args()
    out = os.fdopen(os.dup(1), "w")  # the result goes here; library chatter on fd 1 is sent to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    import torch
    from peft import PeftModel

    from malt_runner.train import load_tokenizer_and_model

    torch.manual_seed(0)
    tokenizer, model = load_tokenizer_and_model(args.base, torch.float32)
    model = PeftModel.from_pretrained(model, args.adapter).eval()
    prompt_ids = tokenizer(args.prompt, add_special_tokens=True)["input_ids"]
    # the tokens llama.cpp treats as end of generation for this vocabulary
    stop_ids = {t for t in (tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<|endoftext|>")) if t is not None}
    adapted = greedy(model, prompt_ids, args.max_tokens, stop_ids)
    with model.disable_adapter():
        base = greedy(model, prompt_ids, args.max_tokens, stop_ids)
    result = {
        "prompt_tokens": prompt_ids,
        "base": {"tokens": base, "text": tokenizer.decode(base)},
        "adapted": {"tokens": adapted, "text": tokenizer.decode(adapted)},
    }
    if args.write_unpermuted:
        from malt_runner.export_gguf_lora import BaseModelInfo, export_gguf_lora

        export_gguf_lora(args.adapter, args.write_unpermuted, BaseModelInfo.from_base(args.base), permute_qk=False)
    out.write(json.dumps(result) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
