"""Where and in which precision to train: a pure function of the request and what the machine offers."""
from __future__ import annotations

from dataclasses import dataclass

from .config import ConfigError


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # "cuda" | "cpu"
    dtype: str  # "float32" | "bfloat16" | "float16": the dtype the base weights are loaded in
    mixed_precision: str | None  # None | "bf16" | "fp16": the Trainer's autocast flag
    reason: str  # one line for the `started` event and the logs


def choose_device(requested_device: str, requested_dtype: str, cuda_available: bool, bf16_supported: bool) -> DeviceChoice:
    """CUDA when present (bf16 where the GPU supports it, else fp16), else CPU in float32.

    An explicit request the machine cannot honour is a `ConfigError`, never a silent fallback: a job asked to run on
    "cuda" that quietly ran on the CPU would take 100x longer without saying why.
    """
    if requested_device == "cuda" and not cuda_available:
        raise ConfigError("device", "device is 'cuda' but torch sees no CUDA GPU (torch.cuda.is_available() is False)")
    device = "cuda" if requested_device == "cuda" or (requested_device == "auto" and cuda_available) else "cpu"

    if requested_dtype == "auto":
        dtype = ("bfloat16" if bf16_supported else "float16") if device == "cuda" else "float32"
        reason = f"{device}, dtype auto -> {dtype}"
    else:
        dtype = requested_dtype
        reason = f"{device}, dtype {dtype} as requested"
    if device == "cuda" and dtype == "bfloat16" and not bf16_supported:
        raise ConfigError("dtype", "dtype is 'bfloat16' but this GPU does not support bf16; use 'float16' or 'auto'")
    if device == "cpu" and dtype == "float16":
        raise ConfigError("dtype", "dtype is 'float16' but the device is the CPU, which cannot train in fp16; use 'auto'")
    mixed_precision = {"bfloat16": "bf16", "float16": "fp16"}.get(dtype)
    return DeviceChoice(device=device, dtype=dtype, mixed_precision=mixed_precision, reason=reason)


def detect_device() -> tuple[bool, bool]:
    """(cuda_available, bf16_supported) as torch sees them."""
    import torch

    cuda = torch.cuda.is_available()
    return cuda, bool(cuda and torch.cuda.is_bf16_supported())
