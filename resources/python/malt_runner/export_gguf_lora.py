"""Converts a PEFT LoRA adapter into the LoRA GGUF that llama.cpp (and so node-llama-cpp) loads on the base GGUF.

    python -m malt_runner.export_gguf_lora --adapter runs/g-sft/adapter --base model.gguf --out g.gguf

What llama.cpp reads (src/llama-adapter.cpp): metadata `general.type = "adapter"`, `general.architecture` = the base
model's, `adapter.type = "lora"`, `adapter.lora.alpha` (f32; the runtime scale is alpha / rank), and for each adapted
weight `<base tensor name>.lora_a` with numpy shape (rank, n_in) and `<base tensor name>.lora_b` with (n_out, rank),
so that W_gguf + (alpha / rank) * lora_b @ lora_a is the adapted weight. PEFT stores the same two matrices as
`...q_proj.lora_A.weight` (rank, n_in) and `...q_proj.lora_B.weight` (n_out, rank).

The one subtle part is rotary embeddings. llama.cpp's HF -> GGUF converter stores the rows of q_proj and k_proj of
llama-architecture models permuted (within each head, the two rotary halves are interleaved: row order
(head, half, i) becomes (head, i, half)), and transformers undoes that permutation when it loads such a GGUF. The
adapter trained on the un-permuted weights must therefore get the same row permutation on its output side, i.e. on
lora_b of q (with n_head heads) and of k (with n_head_kv heads). lora_a (the input side) is unchanged. Architectures
other than llama are stored unpermuted by both tools, so their lora_b is written as is.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file (python malt_runner/export_gguf_lora.py): make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "malt_runner"

from .gguf_info import read_gguf_header  # noqa: E402

# Hugging Face module name (last component) -> llama.cpp tensor name inside `blk.N.`
HF_TO_GGUF_MODULE = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}
# Architectures whose GGUF stores q/k rows in llama.cpp's rotary order (transformers' LlamaTensorProcessor undoes it).
ROPE_PERMUTED_ARCHITECTURES = ("llama",)
# HF `model_type` -> GGUF `general.architecture`, for bases given as a Hugging Face folder.
MODEL_TYPE_TO_GGUF_ARCH = {"llama": "llama", "mistral": "llama", "qwen2": "qwen2", "qwen3": "qwen3"}

_PEFT_KEY = re.compile(
    r"^(?:base_model\.model\.)?(?:model\.)?layers\.(?P<layer>\d+)\.(?:self_attn|mlp)\.(?P<module>\w+)"
    r"\.lora_(?P<side>[AB])(?:\.\w+)?\.weight$"
)


class ExportError(ValueError):
    """The adapter cannot be expressed as a llama.cpp LoRA GGUF for this base."""


@dataclass(frozen=True)
class BaseModelInfo:
    architecture: str  # GGUF general.architecture
    n_head: int
    n_head_kv: int
    tensor_shapes: dict[str, tuple[int, ...]] | None = None  # from the base GGUF, to check shapes before llama.cpp does

    @staticmethod
    def from_gguf(path: str | Path) -> "BaseModelInfo":
        h = read_gguf_header(path)
        n_head = int(h.arch_value("attention.head_count"))
        return BaseModelInfo(h.architecture, n_head, int(h.arch_value("attention.head_count_kv", n_head)), h.tensor_shapes)

    @staticmethod
    def from_hf_config(config: dict) -> "BaseModelInfo":
        model_type = config.get("model_type")
        if model_type not in MODEL_TYPE_TO_GGUF_ARCH:
            raise ExportError(
                f"cannot export a LoRA GGUF for model_type {model_type!r}; supported: {', '.join(MODEL_TYPE_TO_GGUF_ARCH)}"
            )
        n_head = int(config["num_attention_heads"])
        return BaseModelInfo(MODEL_TYPE_TO_GGUF_ARCH[model_type], n_head, int(config.get("num_key_value_heads") or n_head))

    @staticmethod
    def from_base(path: str | Path) -> "BaseModelInfo":
        path = Path(path)
        if path.is_dir():
            return BaseModelInfo.from_hf_config(json.loads((path / "config.json").read_text()))
        return BaseModelInfo.from_gguf(path)


def check_target_modules(target_modules: list[str] | tuple[str, ...]) -> None:
    """Refuses, before any training, target modules that have no llama.cpp tensor to attach to."""
    unknown = [m for m in target_modules if m not in HF_TO_GGUF_MODULE]
    if unknown:
        raise ExportError(
            f"cannot export LoRA on {', '.join(map(repr, unknown))} to GGUF: only {', '.join(HF_TO_GGUF_MODULE)} map to "
            "llama.cpp tensors (set export_gguf to false to train them anyway)"
        )


def rope_permute_rows(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's q/k row order: within each head, (half, i) -> (i, half). w: (n_head * head_dim, ...)."""
    if w.shape[0] % (2 * n_head):
        raise ExportError(f"cannot permute {w.shape[0]} rows into {n_head} heads of even size")
    half = w.shape[0] // n_head // 2
    return w.reshape(n_head, 2, half, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _load_adapter(adapter_dir: Path) -> tuple[dict, dict[str, np.ndarray]]:
    config_path = adapter_dir / "adapter_config.json"
    weights_path = adapter_dir / "adapter_model.safetensors"
    if not config_path.is_file() or not weights_path.is_file():
        raise ExportError(f"{adapter_dir} is not a PEFT adapter folder (adapter_config.json + adapter_model.safetensors)")
    config = json.loads(config_path.read_text())
    from safetensors.torch import load_file  # torch handles bf16/fp16 tensors, which numpy cannot

    tensors = {k: v.float().numpy() for k, v in load_file(str(weights_path)).items()}
    return config, tensors


def _check_adapter_config(config: dict) -> None:
    if config.get("peft_type", "LORA") != "LORA":
        raise ExportError(f"only LoRA adapters can be exported, got peft_type {config.get('peft_type')!r}")
    for key in ("use_dora", "fan_in_fan_out"):
        if config.get(key):
            raise ExportError(f"cannot export an adapter with {key}=true to llama.cpp")
    for key in ("rank_pattern", "alpha_pattern"):
        if config.get(key):
            raise ExportError(f"cannot export an adapter with a per-module {key} (llama.cpp has one alpha per adapter)")
    if config.get("modules_to_save"):
        raise ExportError(f"cannot export modules_to_save {config['modules_to_save']!r}: a LoRA GGUF holds only lora_a/lora_b")
    if config.get("bias", "none") != "none":
        raise ExportError(f"cannot export an adapter that trains biases (bias={config['bias']!r})")


def export_gguf_lora(
    adapter_dir: str | Path, out_path: str | Path, base: BaseModelInfo, *, permute_qk: bool | None = None
) -> dict:
    """Writes `out_path`; returns a summary {path, architecture, rank, alpha, tensors}.

    `permute_qk` defaults to what the architecture needs; it exists so a test can write a deliberately wrong file and
    show that the runtime notices.
    """
    adapter_dir, out_path = Path(adapter_dir), Path(out_path)
    config, tensors = _load_adapter(adapter_dir)
    _check_adapter_config(config)
    rank, alpha = int(config["r"]), float(config["lora_alpha"])
    if config.get("use_rslora"):  # PEFT scales by alpha / sqrt(r); llama.cpp by alpha / r
        alpha = alpha * math.sqrt(rank)
    if permute_qk is None:
        permute_qk = base.architecture in ROPE_PERMUTED_ARCHITECTURES

    pairs: dict[str, dict[str, np.ndarray]] = {}  # GGUF base tensor name -> {"A": lora_A, "B": lora_B}
    modules: dict[str, str] = {}  # GGUF base tensor name -> HF module name
    for key, value in tensors.items():
        m = _PEFT_KEY.match(key)
        if m is None:
            raise ExportError(f"adapter tensor {key!r} is not a LoRA weight of a transformer block; cannot map it to GGUF")
        module = m["module"]
        if module not in HF_TO_GGUF_MODULE:
            check_target_modules([module])
        name = f"blk.{int(m['layer'])}.{HF_TO_GGUF_MODULE[module]}.weight"
        pairs.setdefault(name, {})[m["side"]] = value
        modules[name] = module
    if not pairs:
        raise ExportError(f"{adapter_dir}: the adapter has no LoRA tensors")

    import gguf

    writer = gguf.GGUFWriter(str(out_path), base.architecture)
    writer.add_string("general.type", "adapter")
    writer.add_string("general.name", adapter_dir.parent.name or adapter_dir.name)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", alpha)
    for name in sorted(pairs, key=_block_order):
        pair = pairs[name]
        if "A" not in pair or "B" not in pair:
            raise ExportError(f"{name}: the adapter has only one of lora_A / lora_B")
        a, b, module = pair["A"], pair["B"], modules[name]
        if a.shape[0] != rank or b.shape[1] != rank:
            raise ExportError(f"{name}: lora_A {a.shape} / lora_B {b.shape} do not have rank {rank}")
        if base.tensor_shapes is not None:
            expected = base.tensor_shapes.get(name)
            if expected is None:
                raise ExportError(f"the base model has no tensor {name!r}")
            if tuple(expected) != (b.shape[0], a.shape[1]):
                raise ExportError(f"{name}: adapter delta is {(b.shape[0], a.shape[1])}, base tensor is {tuple(expected)}")
        if permute_qk and module == "q_proj":
            b = rope_permute_rows(b, base.n_head)
        elif permute_qk and module == "k_proj":
            b = rope_permute_rows(b, base.n_head_kv)
        writer.add_tensor(f"{name}.lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b, dtype=np.float32))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {
        "path": str(out_path),
        "architecture": base.architecture,
        "rank": rank,
        "alpha": alpha,
        "tensors": 2 * len(pairs),
        "permuted_qk": permute_qk,
    }


def _block_order(name: str) -> tuple[int, str]:
    return int(name.split(".")[1]), name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", required=True, type=Path, help="PEFT adapter folder")
    parser.add_argument("--base", required=True, type=Path, help="the base GGUF (or Hugging Face folder) it was trained on")
    parser.add_argument("--out", required=True, type=Path, help="output .gguf path")
    args = parser.parse_args(argv)
    try:
        summary = export_gguf_lora(args.adapter, args.out, BaseModelInfo.from_base(args.base))
    except (ExportError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
