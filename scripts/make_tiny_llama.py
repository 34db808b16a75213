"""Writes a tiny random llama GGUF (and matching LoRA adapters) for fast tests.

The model borrows SmolLM2's tokenizer and chat template, so prompts render exactly as they do on the real
small model, but it has 2 layers of width 64: loading and generating take milliseconds on one CPU core.
Everything is F32 so that transformers can load the same file (and dequantize nothing) for the runner tests.

    python scripts/make_tiny_llama.py --tokenizer-from .models/SmolLM2-135M-Instruct.Q4_1.gguf --out-dir .models/tiny

Writes tiny-llama.gguf, tiny-lora-a.gguf and tiny-lora-b.gguf (two adapters with different seeds), and
tiny-lora-foreign.gguf: an adapter for a different architecture, to test that a LoRA for another base is refused.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFWriter, GGMLQuantizationType, TokenType

# A deliberately tiny geometry: big enough for real attention (4 heads, GQA 2 KV heads), small enough to be instant.
N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_HEAD_KV = 2
N_FF = 128
N_CTX = 4096
HEAD_DIM = N_EMBD // N_HEAD
LORA_TARGETS = ("attn_q", "attn_v", "ffn_up", "ffn_down")


def read_tokenizer(path: Path) -> dict:
    reader = GGUFReader(str(path))
    fields = reader.fields

    def value(name: str):
        field = fields.get(name)
        return None if field is None else field.contents()

    return {
        "model": value("tokenizer.ggml.model"),
        "pre": value("tokenizer.ggml.pre"),
        "tokens": value("tokenizer.ggml.tokens"),
        "token_type": value("tokenizer.ggml.token_type"),
        "merges": value("tokenizer.ggml.merges"),
        "bos": value("tokenizer.ggml.bos_token_id"),
        "eos": value("tokenizer.ggml.eos_token_id"),
        "unk": value("tokenizer.ggml.unknown_token_id"),
        "pad": value("tokenizer.ggml.padding_token_id"),
        "add_bos": value("tokenizer.ggml.add_bos_token"),
        "add_space_prefix": value("tokenizer.ggml.add_space_prefix"),
        "chat_template": value("tokenizer.chat_template"),
    }


def add_tokenizer(w: GGUFWriter, tok: dict) -> None:
    """Writes the tokenizer and chat template read by `read_tokenizer` into a GGUF being written."""
    w.add_tokenizer_model(tok["model"])
    if tok["pre"]:
        w.add_tokenizer_pre(tok["pre"])
    w.add_token_list(tok["tokens"])
    w.add_token_types([int(t) for t in tok["token_type"]])
    if tok["merges"]:
        w.add_token_merges(tok["merges"])
    w.add_bos_token_id(int(tok["bos"]))
    w.add_eos_token_id(int(tok["eos"]))
    if tok["unk"] is not None:
        w.add_unk_token_id(int(tok["unk"]))
    if tok["pad"] is not None:
        w.add_pad_token_id(int(tok["pad"]))
    w.add_add_bos_token(bool(tok["add_bos"]))
    if tok["add_space_prefix"] is not None:
        w.add_add_space_prefix(bool(tok["add_space_prefix"]))
    if tok["chat_template"]:
        w.add_chat_template(tok["chat_template"])


def layer_shapes() -> dict[str, tuple[int, int]]:
    """numpy shapes (out, in) of each 2-D weight in one block, as llama.cpp names them."""
    kv_dim = HEAD_DIM * N_HEAD_KV
    return {
        "attn_q": (N_EMBD, N_EMBD),
        "attn_k": (kv_dim, N_EMBD),
        "attn_v": (kv_dim, N_EMBD),
        "attn_output": (N_EMBD, N_EMBD),
        "ffn_gate": (N_FF, N_EMBD),
        "ffn_up": (N_FF, N_EMBD),
        "ffn_down": (N_EMBD, N_FF),
    }


def write_model(out: Path, tok: dict, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_vocab = len(tok["tokens"])
    w = GGUFWriter(str(out), "llama")
    w.add_name("malt-tiny-llama")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(0)  # ALL_F32

    add_tokenizer(w, tok)

    def randn(*shape: int, scale: float) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w.add_tensor("token_embd.weight", randn(n_vocab, N_EMBD, scale=0.5))
    for i in range(N_LAYER):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        for name, shape in layer_shapes().items():
            w.add_tensor(f"blk.{i}.{name}.weight", randn(*shape, scale=1.0 / np.sqrt(shape[1])))
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    w.add_tensor("output.weight", randn(n_vocab, N_EMBD, scale=0.5))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_lora(out: Path, seed: int, architecture: str = "llama", rank: int = 4, alpha: float = 8.0) -> None:
    """A LoRA GGUF as llama.cpp reads it: lora_a (rank, in) and lora_b (out, rank) in numpy order."""
    rng = np.random.default_rng(seed)
    w = GGUFWriter(str(out), architecture)
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", alpha)
    shapes = layer_shapes()
    for i in range(N_LAYER):
        for name in LORA_TARGETS:
            n_out, n_in = shapes[name]
            w.add_tensor(f"blk.{i}.{name}.weight.lora_a", (rng.standard_normal((rank, n_in)) * 0.5).astype(np.float32))
            w.add_tensor(f"blk.{i}.{name}.weight.lora_b", (rng.standard_normal((n_out, rank)) * 0.5).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizer-from", type=Path, required=True, help="a GGUF whose tokenizer to copy")
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()

    args.out_dir.mkdir(parents=True, exist_ok=True)
    tok = read_tokenizer(args.tokenizer_from)
    if not tok["tokens"]:
        raise SystemExit(f"{args.tokenizer_from}: no tokenizer.ggml.tokens in this GGUF")
    write_model(args.out_dir / "tiny-llama.gguf", tok, seed=args.seed)
    write_lora(args.out_dir / "tiny-lora-a.gguf", seed=args.seed + 1)
    write_lora(args.out_dir / "tiny-lora-b.gguf", seed=args.seed + 2)
    write_lora(args.out_dir / "tiny-lora-foreign.gguf", seed=args.seed + 3, architecture="qwen2")
    print(f"wrote tiny model and adapters to {args.out_dir}")


if __name__ == "__main__":
    main()
