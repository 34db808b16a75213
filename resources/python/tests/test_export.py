"""GGUF LoRA export: module mapping, the q/k rotary row permutation, and refusals."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file
from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

from malt_runner.config import ConfigError, job_config_from_dict
from malt_runner.export_gguf_lora import (
    BaseModelInfo,
    ExportError,
    check_target_modules,
    export_gguf_lora,
    rope_permute_rows,
)
from malt_runner.gguf_info import read_f32_tensor, read_gguf_header

PYTHON_DIR = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("n_head,n_head_kv,head_dim", [(4, 2, 16), (9, 3, 64), (32, 8, 128)])
def test_permutation_is_what_transformers_undoes(n_head, n_head_kv, head_dim):
    """transformers' GGUF loader un-permutes q/k rows; our export must apply exactly the inverse."""
    rng = np.random.default_rng(0)
    config = {"num_attention_heads": n_head, "num_key_value_heads": n_head_kv}
    processor = LlamaTensorProcessor(config=config)
    for name, heads, rows in (("blk.0.attn_q.weight", n_head, n_head * head_dim),
                              ("blk.0.attn_k.weight", n_head_kv, n_head_kv * head_dim)):
        b = rng.standard_normal((rows, 8)).astype(np.float32)  # a lora_B: (n_out, rank)
        permuted = rope_permute_rows(b, heads)
        assert not np.array_equal(permuted, b)
        assert np.array_equal(processor.process(permuted, name).weights, b)


def test_unmappable_target_modules_are_refused():
    check_target_modules(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    with pytest.raises(ExportError, match="'lm_head', 'embed_tokens'"):
        check_target_modules(["q_proj", "lm_head", "embed_tokens"])


def test_runner_refuses_unmappable_targets_before_loading_anything(tmp_path, tiny_gguf):
    from malt_runner.events import EventWriter
    from malt_runner.train import run_job
    import io

    data = tmp_path / "t.jsonl"
    data.write_text("not even read\n")
    config = job_config_from_dict({"method": "sft", "base_model": str(tiny_gguf), "train_file": str(data),
                                   "output_dir": str(tmp_path / "o"), "target_modules": ["q_proj", "lm_head"]})
    events = EventWriter(io.StringIO())
    with pytest.raises(ConfigError) as info:
        run_job(config, events)
    assert info.value.field == "target_modules" and "lm_head" in str(info.value)
    assert events.history == []  # refused before `started`


def _fake_adapter(folder: Path, config: dict, tensors: dict[str, torch.Tensor]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    base = {"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj"], "bias": "none"}
    (folder / "adapter_config.json").write_text(json.dumps({**base, **config}))
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(folder / "adapter_model.safetensors"))
    return folder


Q_PAIR = {
    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight": torch.randn(2, 64),
    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight": torch.randn(64, 2),
}


@pytest.mark.parametrize(
    "config,tensors,message",
    [
        ({"modules_to_save": ["lm_head"]}, Q_PAIR, "modules_to_save"),
        ({"use_dora": True}, Q_PAIR, "use_dora"),
        ({"rank_pattern": {"q_proj": 4}}, Q_PAIR, "rank_pattern"),
        ({"bias": "all"}, Q_PAIR, "biases"),
        ({}, {**Q_PAIR, "base_model.model.lm_head.lora_A.weight": torch.randn(2, 64)}, "lm_head"),
        ({}, {k: v for k, v in Q_PAIR.items() if "lora_A" in k}, "only one of lora_A / lora_B"),
        ({}, {k.replace("layers.0", "layers.9"): v for k, v in Q_PAIR.items()}, "no tensor 'blk.9.attn_q.weight'"),
        ({}, {k: v[:, :32] if "lora_A" in k else v for k, v in Q_PAIR.items()}, "base tensor is (64, 64)"),
    ],
    ids=["modules_to_save", "dora", "rank_pattern", "bias", "lm_head", "half_pair", "no_such_layer", "bad_shape"],
)
def test_export_refusals(tmp_path, tiny_gguf, config, tensors, message):
    adapter = _fake_adapter(tmp_path / "adapter", config, tensors)
    with pytest.raises(ExportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        export_gguf_lora(adapter, tmp_path / "out.gguf", BaseModelInfo.from_gguf(tiny_gguf))


def test_exported_adapter_reproduces_the_peft_merge_in_gguf_layout(sft_run, tiny_gguf):
    """W_gguf + (alpha/r) B_gguf A_gguf must be the PEFT-merged weight W_hf + (alpha/r) B A in the GGUF's row order.

    This is what llama.cpp computes at inference, checked tensor by tensor on the real trained adapter."""
    model = sft_run["result"].model
    gguf_path = sft_run["result"].finished["gguf_path"]
    base = read_gguf_header(tiny_gguf)
    lora = read_gguf_header(gguf_path)
    scale = lora.metadata["adapter.lora.alpha"] / 8  # rank 8 in the sft_run fixture
    heads = {"q_proj": 4, "k_proj": 2}
    checked = 0
    for layer in range(2):
        block = model.base_model.model.model.layers[layer]
        for hf, gg, module in (
            ("q_proj", "attn_q", block.self_attn.q_proj), ("k_proj", "attn_k", block.self_attn.k_proj),
            ("v_proj", "attn_v", block.self_attn.v_proj), ("o_proj", "attn_output", block.self_attn.o_proj),
            ("gate_proj", "ffn_gate", block.mlp.gate_proj), ("up_proj", "ffn_up", block.mlp.up_proj),
            ("down_proj", "ffn_down", block.mlp.down_proj),
        ):
            name = f"blk.{layer}.{gg}.weight"
            w_hf = module.base_layer.weight.detach().numpy()
            delta_hf = (module.lora_B["default"].weight @ module.lora_A["default"].weight).detach().numpy()
            merged_hf = w_hf + module.scaling["default"] * delta_hf
            a, b = read_f32_tensor(lora, name + ".lora_a"), read_f32_tensor(lora, name + ".lora_b")
            merged_gguf = np.asarray(read_f32_tensor(base, name)) + scale * (b @ a)
            expected = rope_permute_rows(merged_hf, heads[hf]) if hf in heads else merged_hf
            np.testing.assert_allclose(merged_gguf, expected, rtol=1e-5, atol=1e-5, err_msg=name)
            assert np.abs(delta_hf).max() > 1e-4, f"{name}: the adapter did not train"
            checked += 1
    assert checked == 14


def test_standalone_cli(sft_run, tiny_gguf, tmp_path):
    adapter = sft_run["result"].finished["adapter_dir"]
    out = tmp_path / "cli.gguf"
    proc = subprocess.run(
        [sys.executable, str(PYTHON_DIR / "malt_runner" / "export_gguf_lora.py"),
         "--adapter", adapter, "--base", str(tiny_gguf), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["tensors"] == 28 and summary["permuted_qk"] is True
    assert out.read_bytes() == Path(sft_run["result"].finished["gguf_path"]).read_bytes()
