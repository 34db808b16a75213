"""Fitting examples to max_length: the prompt gives way from the left, a completion is never cut; the held-out slice."""
from __future__ import annotations

import pytest

from malt_runner.sequences import Encoded, dpo_rows, encode_example, fit_to_length, sft_rows, split_held_out

from helpers import dpo_rows as dpo_examples
from helpers import sft_rows as sft_examples


def enc(prompt: int, *completions: int, line: int | None = None) -> Encoded:
    return Encoded(prompt=list(range(100, 100 + prompt)), completions=[list(range(c)) for c in completions], line=line)


def test_fitting_cuts_prompts_from_the_left_and_leaves_completions_whole():
    fitted = fit_to_length([enc(6, 4, line=1), enc(3, 3, line=2), enc(2, 9, line=5)], max_length=8)
    assert [e.line for e in fitted.examples] == [1, 2]
    first = fitted.examples[0]
    assert first.prompt == [102, 103, 104, 105]  # the two oldest prompt tokens went
    assert first.completions == [[0, 1, 2, 3]]
    assert fitted.examples[1] == enc(3, 3, line=2)
    r = fitted.report
    assert (r.examples, r.kept, r.prompts_truncated, r.prompt_tokens_removed, r.dropped) == (3, 2, 1, 2, 1)
    assert (r.truncated_lines, r.dropped_lines, r.longest_tokens, r.applied_max_length) == ([1], [5], 11, 8)


def test_one_prompt_token_always_stays():
    # 4 prompt + 7 completion into 8: cutting 3 leaves 1 prompt token, fine; 8 completion tokens cannot fit.
    fitted = fit_to_length([enc(4, 7), enc(4, 8)], max_length=8)
    assert [len(e.prompt) for e in fitted.examples] == [1]
    assert fitted.report.dropped == 1


def test_dpo_fits_the_longer_side_and_cuts_one_shared_prompt():
    fitted = fit_to_length([enc(10, 3, 6)], max_length=12)
    (e,) = fitted.examples
    assert len(e.prompt) == 6 and [len(c) for c in e.completions] == [3, 6]
    assert fitted.report.prompt_tokens_removed == 4


def test_no_limit_sizes_it_from_the_data():
    fitted = fit_to_length([enc(6, 4), enc(3, 20)], max_length=None)
    assert fitted.report.kept == 2 and fitted.report.applied_max_length == 23 and fitted.report.max_length is None
    assert fitted.report.prompts_truncated == 0


def test_report_event_shape():
    event = fit_to_length([enc(2, 2)], 16).report.as_event()
    assert set(event) == {
        "examples", "kept", "max_length", "applied_max_length", "longest_tokens", "prompts_truncated",
        "prompt_tokens_removed", "dropped", "truncated_lines", "dropped_lines",
    }


@pytest.mark.parametrize("count,fraction,held", [(10, 0.1, 1), (10, 0.25, 2), (3, 0.5, 2), (1, 0.5, 0), (10, 0.0, 0), (40, 0.04, 2)])
def test_held_out_slice(count, fraction, held):
    train, evaluation = split_held_out(count, fraction, seed=7)
    assert len(evaluation) == held and sorted(train + evaluation) == list(range(count))
    assert train == sorted(train) and evaluation == sorted(evaluation)
    assert split_held_out(count, fraction, seed=7) == (train, evaluation)  # seeded


def test_encoding_matches_the_chat_template(tiny_tokenizer):
    (example,) = sft_examples(1)
    e = encode_example(tiny_tokenizer, example, "sft", line=4)
    full = tiny_tokenizer.apply_chat_template(example["prompt"] + example["completion"], tokenize=False)
    prompt = tiny_tokenizer.apply_chat_template(example["prompt"], tokenize=False, add_generation_prompt=True)
    assert tiny_tokenizer.decode(e.prompt) == prompt
    assert tiny_tokenizer.decode(e.prompt + e.completions[0]) == full
    assert tiny_tokenizer.decode(e.completions[0]).endswith("<|im_end|>\n")
    (row,) = sft_rows([e])
    assert row["labels"][: len(e.prompt)] == [-100] * len(e.prompt) and row["labels"][len(e.prompt):] == e.completions[0]
    (pair,) = dpo_examples(1)
    d = encode_example(tiny_tokenizer, pair, "dpo")
    assert tiny_tokenizer.decode(d.completions[0]).startswith("Final Answer: 2")
    assert tiny_tokenizer.decode(d.completions[1]).startswith("Final Answer: 9")
    assert set(dpo_rows([d])[0]) == {"prompt_ids", "chosen_ids", "rejected_ids"}
