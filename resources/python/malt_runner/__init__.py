"""MALT Workbench training runner: LoRA SFT and DPO with trl, and the export of adapters to llama.cpp's LoRA GGUF.

    python -m malt_runner env                       # one JSON object: versions, devices, missing packages
    python -m malt_runner train --config job.json   # JSON-line events on stdout, logs on stderr
    python -m malt_runner export-gguf --adapter DIR --base BASE.gguf --out adapter.gguf

Run it with `resources/python` as the working directory (or on PYTHONPATH). See README.md.
"""
import os

__version__ = "0.1.0"

# Never reach a model hub: every model, tokenizer and dataset is a local file. Set before huggingface_hub is imported.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
    os.environ[_var] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # avoids the fork warning; we tokenize in one process
