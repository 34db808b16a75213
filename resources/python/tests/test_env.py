"""`python -m malt_runner env`: one JSON object describing the environment and what is missing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from malt_runner.env_check import check_packages, read_pins

PYTHON_DIR = Path(__file__).resolve().parents[1]


def test_env_prints_one_json_object():
    proc = subprocess.run([sys.executable, "-m", "malt_runner", "env"], cwd=PYTHON_DIR, capture_output=True, text=True,
                          timeout=120)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    report = json.loads(lines[0])
    for key in ("python_version", "torch_version", "cuda_available", "devices", "bf16_supported", "fp16_supported",
                "packages", "missing", "mismatched", "ok"):
        assert key in report, key
    names = [p["name"] for p in report["packages"]]
    assert names[:4] == ["torch", "transformers", "peft", "trl"]
    assert report["missing"] == [] and report["mismatched"] == [] and report["ok"] is True, report
    assert proc.returncode == 0
    assert report["torch_version"].startswith("2.13.0")
    # optional extras are listed, and their absence does not make the environment "not ok"
    assert [p["name"] for p in report["optional"]] == ["liger-kernel"]


def test_pins_are_exact_and_cover_the_direct_dependencies():
    pins = dict(read_pins())
    for name in ("torch", "transformers", "peft", "trl", "accelerate", "datasets", "gguf", "safetensors", "numpy"):
        assert name in pins, name


def test_missing_and_mismatched_packages_are_reported():
    rows = {r["name"]: r for r in check_packages([("surely-not-installed-pkg", "1.0"), ("numpy", "0.0.1"),
                                                   ("torch", "2.13.0")])}
    assert rows["surely-not-installed-pkg"]["installed"] is None and not rows["surely-not-installed-pkg"]["ok"]
    assert rows["numpy"]["installed"] and not rows["numpy"]["ok"]
    assert rows["torch"]["ok"]  # "2.13.0+cpu" satisfies "2.13.0": the local build tag is ignored
