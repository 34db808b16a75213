"""The event protocol is pinned by protocol/event_samples.jsonl. The app's zod schema is tested against the same
samples (test/main/services/ports/runnerEvents.test.ts), so a field added, renamed or retyped on either side fails
one of the two suites until the samples, the runner and the schema agree again."""
from __future__ import annotations

import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import torch

from malt_runner.__main__ import _error_kind_and_fields
from malt_runner.config import ConfigError
from malt_runner.data import DataError
from malt_runner.events import ERROR_KINDS, EVENT_TYPES, EventWriter

SAMPLES_FILE = Path(__file__).resolve().parents[1] / "protocol" / "event_samples.jsonl"
SAMPLES = [json.loads(line) for line in SAMPLES_FILE.read_text().splitlines() if line.strip()]
# Fields every metrics event has; the rest are trl's and ours by name, each a number or null.
METRICS_FIXED = {"type", "time", "step"}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise AssertionError(f"not a JSON value: {value!r}")


def samples_of(event: dict) -> list[dict]:
    """The samples an event is held to: those of its type, and for errors those of its kind."""
    same = [s for s in SAMPLES if s["type"] == event["type"] and (event["type"] != "error" or s["kind"] == event["kind"])]
    assert same, f"no sample for {event['type']}{'/' + event['kind'] if event['type'] == 'error' else ''} in {SAMPLES_FILE}"
    return same


def check_shape(value: dict, samples: list[dict], where: str) -> None:
    """Every key of `value` appears in some sample with the same JSON type; keys every sample has are required."""
    seen: dict[str, set[str]] = defaultdict(set)
    for sample in samples:
        for key, sample_value in sample.items():
            seen[key].add(json_type(sample_value))
    required = set.intersection(*(set(sample) for sample in samples))
    missing = required - set(value)
    assert not missing, f"{where}: missing {sorted(missing)} (the samples always have them)"
    for key, item in value.items():
        assert key in seen, f"{where}: field {key!r} is in no sample; add it to {SAMPLES_FILE.name} and the app's schema"
        assert json_type(item) in seen[key], f"{where}.{key}: {json_type(item)}, the samples have {sorted(seen[key])}"
        if isinstance(item, dict):
            check_shape(item, [s[key] for s in samples if isinstance(s.get(key), dict)], f"{where}.{key}")


def check_event(event: dict) -> None:
    if event["type"] == "metrics":
        assert METRICS_FIXED <= set(event), event
        for key, value in event.items():
            if key not in METRICS_FIXED:
                assert json_type(value) in ("number", "null"), f"metrics.{key}: {value!r} is not a number"
        return
    check_shape(event, samples_of(event), event["type"])


def test_the_samples_cover_every_event_type_and_error_kind():
    assert {s["type"] for s in SAMPLES} == set(EVENT_TYPES)
    assert {s["kind"] for s in SAMPLES if s["type"] == "error"} == set(ERROR_KINDS)


def test_a_real_sft_and_dpo_run_emit_the_samples_shapes(sft_run, dpo_run):
    events = sft_run["events"] + dpo_run["events"]
    assert {e["type"] for e in events} == {"started", "data", "plan", "progress", "metrics", "checkpoint", "finished"}
    for event in events:
        check_event(event)


@pytest.mark.parametrize(
    "error",
    [
        ConfigError("rank", "rank must be …"),
        ConfigError(None, "config.json is not valid JSON"),
        DataError("/d.jsonl", 3, "not valid JSON"),
        torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
        ValueError("something else"),
    ],
)
def test_error_events_have_the_samples_shapes(error):
    kind, fields = _error_kind_and_fields(error)
    check_event(EventWriter(io.StringIO()).error(kind, str(error), **fields))


def test_cancelled_events_have_the_samples_shapes():
    writer = EventWriter(io.StringIO())
    check_event(writer.error("cancelled", "cancelled after step 2", step=2))
    check_event(writer.error("cancelled", "cancelled before training started", step=None))
    check_event(writer.error("cancelled", "cancelled (SIGTERM, second signal: stopped at once)"))
