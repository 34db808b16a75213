"""Token ids of texts as the runner's tokenizer (malt_runner.train.load_tokenizer) produces them, without BOS.

Helper for parity.test.ts, which compares them with node-llama-cpp's tokenizer on the same GGUF. Reads a JSON list of
strings on stdin; prints ONE JSON object {"ids": [[...], ...]} on stdout.

    echo '["Hello  1"]' | resources/python/.venv/bin/python test/runner/tokenize_texts.py --base M.gguf
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "resources" / "python"))

import malt_runner  # noqa: E402,F401  (sets HF_HUB_OFFLINE before transformers is imported)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    args = parser.parse_args()
    texts = json.load(sys.stdin)
    out = os.fdopen(os.dup(1), "w")  # library chatter on fd 1 goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from malt_runner.train import load_tokenizer

    tokenizer = load_tokenizer(args.base)
    ids = [tokenizer(text, add_special_tokens=False)["input_ids"] for text in texts]
    out.write(json.dumps({"ids": ids}) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
