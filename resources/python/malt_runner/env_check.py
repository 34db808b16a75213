"""`python -m malt_runner env`: what the app needs to know about this Python environment, as ONE JSON object.

The pins come from requirements-torch.txt and requirements.txt next to this package, so the check and the installer
(scripts/setup-python.sh) cannot disagree. Only the standard library is imported before torch, so the check works in a
half-installed environment and reports what is missing instead of crashing.
"""
from __future__ import annotations

import importlib.metadata as metadata
import platform
import re
import sys
from pathlib import Path
from typing import Any

from . import __version__

PYTHON_DIR = Path(__file__).resolve().parents[1]
REQUIREMENT_FILES = ("requirements-torch.txt", "requirements.txt")
OPTIONAL_REQUIREMENT_FILES = ("requirements-optional.txt",)  # reported, never required
MIN_PYTHON = (3, 10)
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def read_pins(files: tuple[str, ...] = REQUIREMENT_FILES) -> list[tuple[str, str]]:
    """(name, version) for every `name==version` line, in file order."""
    pins = []
    for file in files:
        for line in (PYTHON_DIR / file).read_text().splitlines():
            m = _PIN.match(line)
            if m:
                pins.append((m[1], m[2]))
    return pins


def _public(version: str) -> str:
    """'2.13.0+cu128' -> '2.13.0': the CUDA and CPU builds of torch differ only in the local part."""
    return version.split("+", 1)[0]


def check_packages(pins: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for name, required in pins:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        out.append(
            {"name": name, "required": required, "installed": installed,
             "ok": installed is not None and _public(installed) == _public(required)}
        )
    return out


def torch_report() -> dict[str, Any]:
    try:
        import torch
    except Exception as e:  # missing or broken (e.g. a CUDA build without its libraries)
        return {"torch_version": None, "torch_error": f"{type(e).__name__}: {e}", "cuda_available": False,
                "cuda_version": None, "devices": [], "bf16_supported": False, "fp16_supported": False}
    cuda = torch.cuda.is_available()
    devices = []
    for i in range(torch.cuda.device_count() if cuda else 0):
        p = torch.cuda.get_device_properties(i)
        devices.append({"index": i, "name": p.name, "total_memory_bytes": int(p.total_memory),
                        "compute_capability": f"{p.major}.{p.minor}"})
    return {
        "torch_version": torch.__version__,
        "cuda_available": cuda,
        "cuda_version": torch.version.cuda,
        "devices": devices,
        "bf16_supported": bool(cuda and torch.cuda.is_bf16_supported()),
        "fp16_supported": bool(cuda),
        "cpu_threads": torch.get_num_threads(),
    }


def env_report() -> dict[str, Any]:
    packages = check_packages(read_pins())
    python_ok = sys.version_info[:2] >= MIN_PYTHON
    report: dict[str, Any] = {
        "runner_version": __version__,
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "python_ok": python_ok,
        "platform": platform.platform(),
        **torch_report(),
        "packages": packages,
        "missing": [p["name"] for p in packages if p["installed"] is None],
        "mismatched": [p["name"] for p in packages if p["installed"] is not None and not p["ok"]],
        "optional": check_packages(read_pins(OPTIONAL_REQUIREMENT_FILES)),
    }
    report["ok"] = python_ok and not report["missing"] and not report["mismatched"] and report["torch_version"] is not None
    return report
