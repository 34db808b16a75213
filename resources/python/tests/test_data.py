"""Training data validation: TRL conversational formats; a malformed line is named by file and line number."""
from __future__ import annotations

import json

import pytest

from malt_runner.data import DataError, read_training_file

from helpers import dpo_rows, sft_rows, write_jsonl


def test_reads_sft_and_drops_meta(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", sft_rows(3))
    examples = read_training_file(path, "sft")
    assert len(examples) == 3
    assert set(examples[0]) == {"prompt", "completion"}
    assert examples[2]["completion"][0]["content"].endswith("Final Answer: 6")


def test_reads_dpo_and_skips_blank_lines(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = dpo_rows(2)
    path.write_text(json.dumps(rows[0]) + "\n\n   \n" + json.dumps(rows[1]) + "\n")
    examples = read_training_file(path, "dpo")
    assert [set(e) for e in examples] == [{"prompt", "chosen", "rejected"}] * 2


def _bad_line(tmp_path, method: str, line3: str) -> DataError:
    good = sft_rows(4) if method == "sft" else dpo_rows(4)
    lines = [json.dumps(r) for r in good]
    lines[2] = line3
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as info:
        read_training_file(path, method)
    assert info.value.line == 3 and info.value.file == str(path)
    assert f"{path}:3:" in str(info.value)
    return info.value


SFT_OK = sft_rows(1)[0]
DPO_OK = dpo_rows(1)[0]
BAD_SFT_LINES = {
    "not json": ('{"prompt": [', "not valid JSON"),
    "array": ("[1, 2]", "must be a JSON object"),
    "missing completion": (json.dumps({"prompt": SFT_OK["prompt"]}), 'missing "completion"'),
    "messages format": (json.dumps({"messages": SFT_OK["prompt"]}), "unexpected keys ['messages']"),
    "string prompt": (json.dumps({**SFT_OK, "prompt": "hi"}), '"prompt" must be a non-empty list'),
    "empty completion": (json.dumps({**SFT_OK, "completion": []}), '"completion" must be a non-empty list'),
    "bad role": (json.dumps({**SFT_OK, "prompt": [{"role": "bot", "content": "x"}]}), "role must be one of"),
    "user completion": (
        json.dumps({**SFT_OK, "completion": [{"role": "user", "content": "x"}]}),
        '"completion"[0].role must be "assistant"',
    ),
    "content not str": (
        json.dumps({**SFT_OK, "prompt": [{"role": "user", "content": 5}]}),
        '"prompt"[0].content must be a string',
    ),
    "extra message key": (
        json.dumps({**SFT_OK, "prompt": [{"role": "user", "content": "x", "name": "a"}]}),
        "unexpected keys ['name']",
    ),
    "prompt ends with assistant": (
        json.dumps({**SFT_OK, "prompt": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}),
        "must end with a system or user message",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SFT_LINES))
def test_bad_sft_line(tmp_path, case):
    line, expected = BAD_SFT_LINES[case]
    assert expected in str(_bad_line(tmp_path, "sft", line))


def test_bad_dpo_line(tmp_path):
    no_rejected = {"prompt": DPO_OK["prompt"], "chosen": DPO_OK["chosen"]}
    assert 'missing "rejected"' in str(_bad_line(tmp_path, "dpo", json.dumps(no_rejected)))
    sft_line = json.dumps(SFT_OK)
    assert "unexpected keys ['completion']" in str(_bad_line(tmp_path, "dpo", sft_line))


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(SFT_OK).encode() + b"\n" + '{"prompt": "caf\xe9"}'.encode("latin-1") + b"\n")
    with pytest.raises(DataError) as info:
        read_training_file(path, "sft")
    assert info.value.line == 2 and "not UTF-8" in str(info.value)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    with pytest.raises(DataError, match="no training examples"):
        read_training_file(path, "sft")
