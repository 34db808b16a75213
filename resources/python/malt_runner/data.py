"""Reads and checks training data: TRL's conversational formats, one JSON object per line.

    SFT: {"prompt": [messages], "completion": [{"role": "assistant", "content": "..."}], "meta": {...}}
    DPO: {"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message], "meta": {...}}

A message is {"role": "system" | "user" | "assistant", "content": str}. `meta` (the app's provenance: tree node ids,
values) is optional and dropped. Blank lines are skipped. Anything else is a `DataError` naming the file and the
1-based line, reported as an `error` event of kind `bad_data`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROLES = ("system", "user", "assistant")
COLUMNS = {
    "sft": ("prompt", "completion"),
    "dpo": ("prompt", "chosen", "rejected"),
}
OPTIONAL_KEYS = ("meta",)


class DataError(ValueError):
    def __init__(self, file: str, line: int | None, message: str):
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line


def _check_messages(value: Any, key: str, assistant_only: bool) -> str | None:
    """Returns a problem description, or None when `value` is a valid message list."""
    if not isinstance(value, list) or not value:
        return f'"{key}" must be a non-empty list of messages, got {type(value).__name__}'
    for i, message in enumerate(value):
        if not isinstance(message, dict):
            return f'"{key}"[{i}] must be an object with "role" and "content", got {type(message).__name__}'
        extra = set(message) - {"role", "content"}
        if extra:
            return f'"{key}"[{i}] has unexpected keys {sorted(extra)} (a message has "role" and "content")'
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            return f'"{key}"[{i}].role must be one of {", ".join(ROLES)}, got {role!r}'
        if assistant_only and role != "assistant":
            return f'"{key}"[{i}].role must be "assistant", got {role!r}'
        if not isinstance(content, str):
            return f'"{key}"[{i}].content must be a string, got {type(content).__name__}'
    if not assistant_only and value[-1]["role"] == "assistant":
        return f'"{key}" must end with a system or user message (the completion is the assistant turn)'
    return None


def read_training_file(path: str | Path, method: str) -> list[dict[str, Any]]:
    """Parses and validates every line; returns the examples without `meta`, ready for `datasets.Dataset.from_list`."""
    return read_training_file_with_lines(path, method)[0]


def read_training_file_with_lines(path: str | Path, method: str) -> tuple[list[dict[str, Any]], list[int]]:
    """Like `read_training_file`, with the 1-based line number of each example (for reports about single examples)."""
    columns = COLUMNS[method]
    file = str(path)
    examples: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        handle = open(path, "rb")
    except OSError as e:
        raise DataError(file, None, f"cannot open: {e.strerror or e}") from e
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise DataError(file, number, f"not UTF-8 text ({e.reason} at byte {e.start})") from e
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as e:
                raise DataError(file, number, f"not valid JSON ({e.msg} at column {e.colno})") from e
            if not isinstance(row, dict):
                raise DataError(file, number, f"must be a JSON object, got {type(row).__name__}")
            unknown = set(row) - set(columns) - set(OPTIONAL_KEYS)
            if unknown:
                raise DataError(
                    file,
                    number,
                    f"unexpected keys {sorted(unknown)} for {method.upper()} data "
                    f"(expected {', '.join(columns)} and optional meta)",
                )
            for key in columns:
                if key not in row:
                    raise DataError(file, number, f'missing "{key}" ({method.upper()} lines have {", ".join(columns)})')
                problem = _check_messages(row[key], key, assistant_only=key != "prompt")
                if problem:
                    raise DataError(file, number, problem)
            examples.append({key: row[key] for key in columns})
            lines.append(number)
    if not examples:
        raise DataError(file, None, "no training examples (the file is empty)")
    return examples, lines
