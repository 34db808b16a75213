"""The checks that need no torch: paths, LoRA settings (and whether they can be exported), and the training data.

The CLI runs them before importing torch/transformers/trl (several seconds), so a bad job fails at once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import DEFAULT_ALPHA, DEFAULT_RANK, DEFAULT_TARGET_MODULES, ConfigError, JobConfig, check_paths
from .data import read_training_file_with_lines
from .export_gguf_lora import ExportError, check_target_modules


@dataclass
class Preflight:
    lora: dict[str, Any]  # r, lora_alpha, [lora_dropout,] target_modules
    examples: list[dict[str, Any]]
    lines: list[int]  # the 1-based line of each example in the training file


def preflight(config: JobConfig) -> Preflight:
    check_paths(config)
    lora = lora_settings(config)
    if config.export_gguf:
        try:
            check_target_modules(lora["target_modules"])
        except ExportError as e:
            raise ConfigError("target_modules", str(e)) from e
    examples, lines = read_training_file_with_lines(config.train_file, config.method)
    return Preflight(lora=lora, examples=examples, lines=lines)


def lora_settings(config: JobConfig) -> dict[str, Any]:
    """rank/alpha/dropout/targets for a fresh adapter, or those of `init_adapter` (checked against the config)."""
    if config.init_adapter is None:
        return {
            "r": config.rank or DEFAULT_RANK,
            "lora_alpha": config.alpha if config.alpha is not None else DEFAULT_ALPHA,
            "lora_dropout": config.dropout,
            "target_modules": list(config.target_modules or DEFAULT_TARGET_MODULES),
        }
    adapter = json.loads((Path(config.init_adapter) / "adapter_config.json").read_text())
    targets = adapter.get("target_modules")
    if not isinstance(targets, list):
        raise ConfigError("init_adapter", f"init_adapter's target_modules must be a list of names, got {targets!r}")
    targets = sorted(targets)
    for name, ours, theirs in (
        ("rank", config.rank, adapter.get("r")),
        ("alpha", config.alpha, adapter.get("lora_alpha")),
        ("target_modules", sorted(config.target_modules) if config.target_modules else None, targets),
    ):
        if ours is not None and ours != theirs:
            raise ConfigError(name, f"{name} is {ours!r} but init_adapter was trained with {theirs!r}; leave {name} null")
    return {"r": adapter.get("r"), "lora_alpha": adapter.get("lora_alpha"), "target_modules": targets}
