"""Training examples -> token ids, fitted to `max_length` without ever cutting a completion.

    encode_examples(tokenizer, examples, method)       -> list[Encoded]   (the chat template, as trl renders it)
    fit_to_length(encoded, max_length)                  -> Fitted           (prompts cut from the left; a report)
    split_held_out(count, fraction, seed)               -> (train indices, held-out indices)

trl truncates a sequence at its end (`truncation_mode="keep_start"`), which cuts the completion: the very tokens SFT
learns and DPO compares. MALT's prompts carry the question and the earlier agents' outputs, and its completions are the
answer, so here the prompt gives way instead: its oldest tokens are dropped until prompt + completion fits. At least
one prompt token stays, so the first completion token is still predicted from context. An example whose completion
alone does not fit is left out, never cut, and the report says so. With `max_length` None the limit is the longest
example, so nothing is cut at all.

The token ids are what trl itself would build: the prompt rendered with the generation prompt, the whole conversation
rendered once, and the completion starting where the two renderings diverge. The trainers receive these ids already
tokenized (see train.py), so no other truncation applies.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# At most this many 1-based data lines are listed per kind in the report (the counts are always complete).
REPORTED_LINES = 20


@dataclass
class Encoded:
    """One example's ids: `prompt` then one completion (SFT) or two (DPO: chosen, rejected)."""

    prompt: list[int]
    completions: list[list[int]]
    line: int | None = None  # 1-based line in the training file, for the report

    @property
    def length(self) -> int:
        """The longest of its sequences (prompt + completion), which is what must fit."""
        return len(self.prompt) + max(len(c) for c in self.completions)


@dataclass
class FitReport:
    """What fitting did to the data: the `data` event's fields."""

    examples: int
    kept: int
    max_length: int | None  # the limit asked for (None: sized from the data)
    applied_max_length: int  # the limit used
    longest_tokens: int  # the longest sequence before fitting
    prompts_truncated: int = 0
    prompt_tokens_removed: int = 0
    dropped: int = 0  # completions that alone do not fit
    truncated_lines: list[int] = field(default_factory=list)
    dropped_lines: list[int] = field(default_factory=list)

    def as_event(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "kept": self.kept,
            "max_length": self.max_length,
            "applied_max_length": self.applied_max_length,
            "longest_tokens": self.longest_tokens,
            "prompts_truncated": self.prompts_truncated,
            "prompt_tokens_removed": self.prompt_tokens_removed,
            "dropped": self.dropped,
            "truncated_lines": self.truncated_lines,
            "dropped_lines": self.dropped_lines,
        }


@dataclass
class Fitted:
    examples: list[Encoded]
    report: FitReport


def _render(tokenizer, messages: list[dict], add_generation_prompt: bool) -> list[int]:
    out = tokenizer.apply_chat_template(
        messages, tokenize=True, return_dict=True, add_generation_prompt=add_generation_prompt
    )
    return list(out["input_ids"])


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def encode_example(tokenizer, example: dict[str, Any], method: str, line: int | None = None) -> Encoded:
    """Renders one SFT ({prompt, completion}) or DPO ({prompt, chosen, rejected}) example with the chat template."""
    keys = ("completion",) if method == "sft" else ("chosen", "rejected")
    prompt = _render(tokenizer, example["prompt"], add_generation_prompt=True)
    fulls = [_render(tokenizer, example["prompt"] + example[key], add_generation_prompt=False) for key in keys]
    # Some templates render the prompt alone differently, or tokens merge across the boundary: the completion starts
    # where the renderings diverge (trl does the same), and for DPO both sides share that prompt.
    start = min(_common_prefix(prompt, full) for full in fulls)
    return Encoded(prompt=fulls[0][:start], completions=[full[start:] for full in fulls], line=line)


def encode_examples(tokenizer, examples: list[dict[str, Any]], method: str, lines: list[int] | None = None) -> list[Encoded]:
    return [encode_example(tokenizer, ex, method, lines[i] if lines else None) for i, ex in enumerate(examples)]


def fit_to_length(encoded: list[Encoded], max_length: int | None) -> Fitted:
    """Cuts prompts from the left so that every sequence fits `max_length`; leaves out what cannot fit uncut."""
    longest = max((e.length for e in encoded), default=0)
    limit = longest if max_length is None else max_length
    report = FitReport(
        examples=len(encoded), kept=0, max_length=max_length, applied_max_length=limit, longest_tokens=longest
    )
    kept: list[Encoded] = []
    for e in encoded:
        excess = e.length - limit
        if excess <= 0:
            kept.append(e)
            continue
        if excess > len(e.prompt) - 1:  # one prompt token must stay to predict the first completion token from
            report.dropped += 1
            if e.line is not None and len(report.dropped_lines) < REPORTED_LINES:
                report.dropped_lines.append(e.line)
            continue
        report.prompts_truncated += 1
        report.prompt_tokens_removed += excess
        if e.line is not None and len(report.truncated_lines) < REPORTED_LINES:
            report.truncated_lines.append(e.line)
        kept.append(Encoded(prompt=e.prompt[excess:], completions=e.completions, line=e.line))
    report.kept = len(kept)
    return Fitted(examples=kept, report=report)


def split_held_out(count: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of the training and the held-out examples: a seeded random slice of `fraction` (at least one example
    when fraction > 0, and at least one left to train on). The order of each part follows the file."""
    if fraction <= 0 or count < 2:
        return list(range(count)), []
    held = min(count - 1, max(1, round(fraction * count)))
    chosen = set(random.Random(seed).sample(range(count), held))
    return [i for i in range(count) if i not in chosen], sorted(chosen)


def sft_rows(examples: list[Encoded]) -> list[dict[str, list[int]]]:
    """trl SFTTrainer's tokenized columns: the loss covers the completion only (labels -100 on the prompt)."""
    return [
        {"input_ids": e.prompt + e.completions[0], "labels": [-100] * len(e.prompt) + e.completions[0]}
        for e in examples
    ]


def dpo_rows(examples: list[Encoded]) -> list[dict[str, list[int]]]:
    """trl DPOTrainer's tokenized columns."""
    return [{"prompt_ids": e.prompt, "chosen_ids": e.completions[0], "rejected_ids": e.completions[1]} for e in examples]


def sequence_lengths(examples: list[Encoded]) -> list[int]:
    """Tokens of each sequence a forward pass sees (DPO: chosen and rejected, each with the prompt)."""
    return [len(e.prompt) + len(c) for e in examples for c in e.completions]
