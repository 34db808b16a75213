"""The runner's tokenizer splits text as llama.cpp does (the ids below come from node-llama-cpp on the same GGUF)."""
from __future__ import annotations

import pytest

from malt_runner.train import load_tokenizer

# text -> llama.cpp's token ids for SmolLM2's vocabulary (pre-tokenizer "smollm": digits split one by one first)
LLAMA_CPP_IDS = {
    "What is 12 plus  7?\nShow   steps.": [1780, 314, 216, 33, 34, 8055, 256, 39, 47, 198, 21175, 256, 3301, 30],
    "\n\n1. First\n2. Second": [1116, 33, 30, 3508, 198, 34, 30, 5665],
    "Answer:\n\n42": [21350, 42, 1116, 36, 34],
    "<|im_start|>user\nHi 2<|im_end|>\n<|im_start|>assistant\n": [1, 4093, 198, 26843, 216, 34, 2, 198, 1, 520, 9531, 198],
}


@pytest.fixture(scope="module")
def tokenizer(tiny_gguf):
    return load_tokenizer(str(tiny_gguf))


@pytest.mark.parametrize("text", list(LLAMA_CPP_IDS))
def test_matches_llama_cpp(tokenizer, text):
    assert tokenizer(text, add_special_tokens=False)["input_ids"] == LLAMA_CPP_IDS[text]


def test_chat_template_and_no_bos(tokenizer):
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert rendered == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer("Hello")["input_ids"] == tokenizer("Hello", add_special_tokens=False)["input_ids"]
