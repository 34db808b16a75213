"""Device and precision choice: a pure function of the request and the machine."""
from __future__ import annotations

import pytest

from malt_runner.config import ConfigError
from malt_runner.device import choose_device


@pytest.mark.parametrize(
    "device,dtype,cuda,bf16,expected",
    [
        ("auto", "auto", False, False, ("cpu", "float32", None)),
        ("auto", "auto", True, True, ("cuda", "bfloat16", "bf16")),
        ("auto", "auto", True, False, ("cuda", "float16", "fp16")),
        ("cpu", "auto", True, True, ("cpu", "float32", None)),
        ("cuda", "auto", True, True, ("cuda", "bfloat16", "bf16")),
        ("cuda", "float32", True, True, ("cuda", "float32", None)),
        ("cuda", "float16", True, True, ("cuda", "float16", "fp16")),
        ("auto", "bfloat16", False, False, ("cpu", "bfloat16", "bf16")),
    ],
)
def test_choice(device, dtype, cuda, bf16, expected):
    choice = choose_device(device, dtype, cuda_available=cuda, bf16_supported=bf16)
    assert (choice.device, choice.dtype, choice.mixed_precision) == expected


@pytest.mark.parametrize(
    "device,dtype,cuda,bf16,field",
    [
        ("cuda", "auto", False, False, "device"),  # never fall back silently from an explicit request
        ("auto", "bfloat16", True, False, "dtype"),
        ("cpu", "float16", True, True, "dtype"),
        ("auto", "float16", False, False, "dtype"),
    ],
)
def test_impossible_requests_are_config_errors(device, dtype, cuda, bf16, field):
    with pytest.raises(ConfigError) as info:
        choose_device(device, dtype, cuda_available=cuda, bf16_supported=bf16)
    assert info.value.field == field
