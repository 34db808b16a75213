"""Job config validation: every bad value is refused with a message naming the field and the value received."""
from __future__ import annotations

import json

import pytest

from malt_runner.config import (
    ConfigError,
    DPOJobConfig,
    SFTJobConfig,
    check_paths,
    job_config_from_dict,
    load_job_config,
)

GOOD = {"method": "sft", "base_model": "/m/model.gguf", "train_file": "/d/train.jsonl", "output_dir": "/o"}

BAD_VALUES = [
    ("base_model", ""),
    ("base_model", 3),
    ("train_file", None),
    ("output_dir", ""),
    ("init_adapter", ""),
    ("rank", 0),
    ("rank", 4.5),
    ("rank", True),
    ("alpha", -1),
    ("alpha", "16"),
    ("dropout", 1.0),
    ("dropout", -0.1),
    ("target_modules", []),
    ("target_modules", "q_proj"),
    ("target_modules", ["q_proj", "q_proj"]),
    ("learning_rate", 0),
    ("learning_rate", 2.0),
    ("learning_rate", float("nan")),
    ("num_epochs", 0),
    ("max_steps", 0),
    ("max_steps", 2.5),
    ("batch_size", 0),
    ("batch_size", "8"),
    ("gradient_accumulation_steps", 0),
    ("max_length", 4),
    ("warmup_steps", -1),
    ("lr_scheduler_type", "exponential"),
    ("gradient_checkpointing", "yes"),
    ("seed", -3),
    ("logging_steps", 0),
    ("save_steps", 0),
    ("device", "gpu"),
    ("dtype", "fp8"),
    ("export_gguf", 1),
    ("num_epochs", "many"),
    ("max_length", 0),
    ("micro_batch_size", 0),
    ("micro_batch_size", 3),  # does not divide the effective batch of 8
    ("micro_batch_size", "big"),
    ("gradient_checkpointing", "sometimes"),
    ("padding_free", 1),
    ("attention", "flash"),
    ("pad_to_multiple_of", 0),
    ("use_liger_kernel", "yes"),
    ("eval_fraction", 0.6),
    ("eval_fraction", -0.1),
    ("eval_steps", 0),
]


@pytest.mark.parametrize("field,value", BAD_VALUES, ids=[f"{f}={v!r}" for f, v in BAD_VALUES])
def test_bad_value_names_field_and_value(field, value):
    with pytest.raises(ConfigError) as info:
        job_config_from_dict({**GOOD, field: value})
    assert info.value.field == field
    assert field in str(info.value)
    assert repr(value) in str(info.value)


@pytest.mark.parametrize("beta", [0, -0.2, "0.2", None])
def test_dpo_beta(beta):
    with pytest.raises(ConfigError) as info:
        job_config_from_dict({**GOOD, "method": "dpo", "beta": beta})
    assert info.value.field == "beta" and repr(beta) in str(info.value)


def test_execution_defaults_are_automatic_and_never_change_the_optimisation():
    c = job_config_from_dict({**GOOD, "batch_size": 4, "gradient_accumulation_steps": 2, "micro_batch_size": 2})
    assert c.effective_batch_size == 8
    d = job_config_from_dict(GOOD)
    assert (d.micro_batch_size, d.gradient_checkpointing, d.padding_free, d.attention, d.pad_to_multiple_of) == ("auto",) * 5
    assert d.max_length == 1024 and job_config_from_dict({**GOOD, "max_length": None}).max_length is None
    assert job_config_from_dict({**GOOD, "num_epochs": "auto"}).num_epochs == "auto"
    assert d.eval_fraction == 0 and d.early_stopping_patience is None and d.use_liger_kernel is False


def test_early_stopping_needs_a_held_out_slice():
    with pytest.raises(ConfigError) as info:
        job_config_from_dict({**GOOD, "early_stopping_patience": 2})
    assert info.value.field == "early_stopping_patience" and "eval_fraction" in str(info.value)
    assert job_config_from_dict({**GOOD, "early_stopping_patience": 2, "eval_fraction": 0.1}).early_stopping_patience == 2


def test_defaults_follow_the_paper():
    sft = job_config_from_dict(GOOD)
    dpo = job_config_from_dict({**GOOD, "method": "dpo"})
    assert isinstance(sft, SFTJobConfig) and isinstance(dpo, DPOJobConfig)
    assert sft.batch_size == dpo.batch_size == 8
    assert dpo.beta == 0.2
    assert sft.logging_steps == 1 and sft.export_gguf is True and sft.device == "auto" and sft.dtype == "auto"


def test_unknown_key_is_an_error():
    with pytest.raises(ConfigError) as info:
        job_config_from_dict({**GOOD, "learning_rat": 1e-4})
    assert info.value.field == "learning_rat"
    assert "unknown config key 'learning_rat'" in str(info.value)


def test_beta_is_unknown_for_sft():
    with pytest.raises(ConfigError) as info:
        job_config_from_dict({**GOOD, "beta": 0.2})
    assert info.value.field == "beta"


@pytest.mark.parametrize("method", [None, "ppo", 1])
def test_method_is_required(method):
    raw = {**GOOD, "method": method} if method is not None else {k: v for k, v in GOOD.items() if k != "method"}
    with pytest.raises(ConfigError) as info:
        job_config_from_dict(raw)
    assert info.value.field == "method"


def test_missing_required_path():
    raw = {k: v for k, v in GOOD.items() if k != "train_file"}
    with pytest.raises(ConfigError) as info:
        job_config_from_dict(raw)
    assert info.value.field == "train_file"


def test_not_an_object():
    with pytest.raises(ConfigError, match="must be a JSON object"):
        job_config_from_dict([GOOD])


def test_load_resolves_relative_paths_against_the_config_file(tmp_path):
    (tmp_path / "cfg").mkdir()
    path = tmp_path / "cfg" / "job.json"
    path.write_text(json.dumps({**GOOD, "train_file": "data/t.jsonl", "output_dir": "../out", "init_adapter": "a"}))
    config = load_job_config(path)
    assert config.train_file == str(tmp_path / "cfg" / "data" / "t.jsonl")
    assert config.output_dir == str(tmp_path / "out")
    assert config.init_adapter == str(tmp_path / "cfg" / "a")
    assert config.base_model == "/m/model.gguf"


def test_load_reports_invalid_json(tmp_path):
    path = tmp_path / "job.json"
    path.write_text('{"method": "sft",\n "base_model": }')
    with pytest.raises(ConfigError, match=r"not valid JSON \(line 2"):
        load_job_config(path)


def test_check_paths(tmp_path, tiny_gguf):
    data = tmp_path / "t.jsonl"
    data.write_text("{}\n")
    ok = {**GOOD, "base_model": str(tiny_gguf), "train_file": str(data), "output_dir": str(tmp_path / "o")}
    check_paths(job_config_from_dict(ok))
    for field, value in [
        ("base_model", str(tmp_path / "nope.gguf")),
        ("base_model", str(data)),  # exists but is not a GGUF
        ("base_model", str(tmp_path)),  # a folder without config.json
        ("train_file", str(tmp_path / "nope.jsonl")),
        ("init_adapter", str(tmp_path)),  # no adapter_config.json
        ("output_dir", str(data)),  # a file
    ]:
        with pytest.raises(ConfigError) as info:
            check_paths(job_config_from_dict({**ok, field: value}))
        assert info.value.field == field, (field, value, str(info.value))


def test_lora_settings_come_from_init_adapter(tmp_path):
    from malt_runner.preflight import lora_settings

    (tmp_path / "adapter_config.json").write_text(
        json.dumps({"r": 8, "lora_alpha": 16, "target_modules": ["v_proj", "q_proj"]})
    )
    dpo = {**GOOD, "method": "dpo", "init_adapter": str(tmp_path)}
    assert lora_settings(job_config_from_dict(dpo)) == {"r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"]}
    assert lora_settings(job_config_from_dict({**dpo, "rank": 8, "target_modules": ["q_proj", "v_proj"]}))["r"] == 8
    for field, value in (("rank", 16), ("alpha", 32), ("target_modules", ["q_proj"])):
        with pytest.raises(ConfigError) as info:
            lora_settings(job_config_from_dict({**dpo, field: value}))
        assert info.value.field == field and "init_adapter was trained with" in str(info.value)


def test_fresh_lora_defaults():
    from malt_runner.preflight import lora_settings

    assert lora_settings(job_config_from_dict(GOOD)) == {
        "r": 16, "lora_alpha": 32.0, "lora_dropout": 0.05,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    }
