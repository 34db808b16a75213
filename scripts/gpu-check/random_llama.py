"""Random-weight llama GGUFs of realistic shapes with SmolLM2's tokenizer, for the offline GPU check.

    python random_llama.py tokenizer --from .models/SmolLM2-135M-Instruct.Q4_1.gguf --out smollm2-tokenizer.gguf
    python random_llama.py model --tokenizer smollm2-tokenizer.gguf --shape 1.7b --out model.gguf

`tokenizer` keeps only a GGUF's tokenizer and chat template (no tensors, about 1 MB instead of 93), so the GPU
machine gets SmolLM2's exact vocabulary, merges and template without the weights. `model` writes an F16 (F32 for
the tiny shape) llama with random weights: what llama.cpp and transformers load, tokenize and run is real, only the
numbers are noise, so speed and memory are those of the real shape. Weights are drawn with torch on CUDA when
present (a 1.7B model takes seconds), else numpy.

Prints one line `RESULT {json}` with the shape, parameter count and seconds.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from make_tiny_llama import add_tokenizer, read_tokenizer  # noqa: E402  (scripts/ is the parent folder)


@dataclass(frozen=True)
class Shape:
    """A llama geometry, as llama.cpp's GGUF keys name it."""

    n_embd: int
    n_layer: int
    n_head: int
    n_head_kv: int
    n_ff: int
    n_ctx: int
    rope_base: float
    f16: bool


# SmolLM2-1.7B's own geometry (its tokenizer fits it natively); an 8B shape as Llama-3.1-8B's but with SmolLM2's
# 49k vocabulary (so 7.2B parameters); and a tiny one for the CPU dry run.
SHAPES: dict[str, Shape] = {
    "1.7b": Shape(n_embd=2048, n_layer=24, n_head=32, n_head_kv=32, n_ff=8192, n_ctx=8192, rope_base=130000.0, f16=True),
    "8b": Shape(n_embd=4096, n_layer=32, n_head=32, n_head_kv=8, n_ff=14336, n_ctx=8192, rope_base=500000.0, f16=True),
    "tiny": Shape(n_embd=128, n_layer=2, n_head=4, n_head_kv=2, n_ff=256, n_ctx=4096, rope_base=10000.0, f16=False),
}


def layer_shapes(shape: Shape) -> dict[str, tuple[int, int]]:
    """(out, in) of each 2-D weight of one block, by llama.cpp tensor name."""
    kv_dim = shape.n_embd // shape.n_head * shape.n_head_kv
    return {
        "attn_q": (shape.n_embd, shape.n_embd),
        "attn_k": (kv_dim, shape.n_embd),
        "attn_v": (kv_dim, shape.n_embd),
        "attn_output": (shape.n_embd, shape.n_embd),
        "ffn_gate": (shape.n_ff, shape.n_embd),
        "ffn_up": (shape.n_ff, shape.n_embd),
        "ffn_down": (shape.n_embd, shape.n_ff),
    }


def parameter_count(shape: Shape, n_vocab: int) -> int:
    per_layer = sum(o * i for o, i in layer_shapes(shape).values()) + 2 * shape.n_embd
    return 2 * n_vocab * shape.n_embd + shape.n_layer * per_layer + shape.n_embd


class RandomSource:
    """Gaussian tensors scaled by 1/sqrt(fan-in), so activations stay finite through every layer."""

    def __init__(self, seed: int, dtype: type) -> None:
        self.dtype = dtype
        self.torch = None
        try:
            import torch

            if torch.cuda.is_available():
                self.torch = torch
                self.generator = torch.Generator(device="cuda").manual_seed(seed)
        except ImportError:
            pass
        self.rng = np.random.default_rng(seed)

    @property
    def device(self) -> str:
        return "cuda" if self.torch is not None else "cpu"

    def normal(self, shape: tuple[int, ...], scale: float) -> np.ndarray:
        if self.torch is not None:
            torch = self.torch
            t = torch.randn(shape, generator=self.generator, device="cuda", dtype=torch.float32).mul_(scale)
            return t.to(torch.float16 if self.dtype is np.float16 else torch.float32).cpu().numpy()
        return (self.rng.standard_normal(shape, dtype=np.float32) * scale).astype(self.dtype)


def write_tokenizer(source: Path, out: Path) -> dict:
    tok = read_tokenizer(source)
    if not tok["tokens"]:
        raise SystemExit(f"{source}: no tokenizer.ggml.tokens in this GGUF")
    w = GGUFWriter(str(out), "llama")
    w.add_name("smollm2-tokenizer")
    w.add_bool("general.vocab_only", True)
    add_tokenizer(w, tok)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {"tokens": len(tok["tokens"]), "bytes": out.stat().st_size}


def write_model(tokenizer: Path, shape_name: str, out: Path, seed: int) -> dict:
    shape = SHAPES[shape_name]
    tok = read_tokenizer(tokenizer)
    n_vocab = len(tok["tokens"])
    dtype = np.float16 if shape.f16 else np.float32
    random = RandomSource(seed, dtype)
    ones = np.ones(shape.n_embd, dtype=np.float32)  # norms stay F32, as llama.cpp's converter writes them

    w = GGUFWriter(str(out), "llama")
    w.add_name(f"malt-random-llama-{shape_name}")
    w.add_context_length(shape.n_ctx)
    w.add_embedding_length(shape.n_embd)
    w.add_block_count(shape.n_layer)
    w.add_feed_forward_length(shape.n_ff)
    w.add_head_count(shape.n_head)
    w.add_head_count_kv(shape.n_head_kv)
    w.add_rope_dimension_count(shape.n_embd // shape.n_head)
    w.add_rope_freq_base(shape.rope_base)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(1 if shape.f16 else 0)  # MOSTLY_F16 / ALL_F32
    add_tokenizer(w, tok)

    w.add_tensor("token_embd.weight", random.normal((n_vocab, shape.n_embd), 1.0))
    for i in range(shape.n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        for name, (n_out, n_in) in layer_shapes(shape).items():
            w.add_tensor(f"blk.{i}.{name}.weight", random.normal((n_out, n_in), 1.0 / np.sqrt(n_in)))
    w.add_tensor("output_norm.weight", ones)
    w.add_tensor("output.weight", random.normal((n_vocab, shape.n_embd), 1.0 / np.sqrt(shape.n_embd)))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {
        "shape": shape_name,
        **asdict(shape),
        "n_vocab": n_vocab,
        "parameters": parameter_count(shape, n_vocab),
        "bytes": out.stat().st_size,
        "drawn_on": random.device,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tokenizer", help="copy a GGUF's tokenizer and chat template into a vocab-only GGUF")
    t.add_argument("--from", dest="source", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("model", help="write a random-weight llama GGUF")
    m.add_argument("--tokenizer", type=Path, required=True, help="a GGUF holding the tokenizer (vocab-only is enough)")
    m.add_argument("--shape", choices=sorted(SHAPES), default="1.7b")
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "tokenizer":
        result = write_tokenizer(args.source, args.out)
    else:
        result = write_model(args.tokenizer, args.shape, args.out, args.seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
