"""Job configs for the runner: one dataclass per training method, as trl pairs `SFTConfig` with `SFTTrainer`.

A job is one JSON object; `"method"` picks the class (`"sft"` -> `SFTJobConfig`, `"dpo"` -> `DPOJobConfig`) and every
other key is a field below. Unknown keys are errors (a typo must not silently fall back to a default). Relative paths
are resolved against the directory of the config file. Every check raises `ConfigError` (a `ValueError`) that names
the field and the value received; the runner reports it as an `error` event of kind `bad_config`.

    {"method": "sft", "base_model": "/models/Llama-3.1-8B-Instruct.Q8_0.gguf", "train_file": "g_sft.jsonl",
     "output_dir": "runs/g-sft", "num_epochs": 3}
    {"method": "dpo", "base_model": "...gguf", "train_file": "v_dpo.jsonl", "output_dir": "runs/v-dpo",
     "init_adapter": "runs/v-sft/adapter", "beta": 0.2}
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

# The 7 linear layers of a llama-style block, by their Hugging Face names. Each maps to one GGUF tensor
# (export_gguf_lora.HF_TO_GGUF_MODULE), so an adapter on any subset of them can be exported for llama.cpp.
DEFAULT_TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
DEFAULT_RANK = 16
DEFAULT_ALPHA = 32.0
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "bfloat16", "float16")
LR_SCHEDULERS = ("linear", "cosine", "constant", "constant_with_warmup")
# "varlen" is PyTorch's own variable-length flash kernel (torch.nn.attention.varlen), wired in by attention.py.
ATTENTIONS = ("auto", "sdpa", "eager", "flash_attention_2", "flash_attention_3", "varlen")
AUTO = "auto"


class ConfigError(ValueError):
    """A bad job config. `field` is the offending key (or None when the whole file is wrong)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) and math.isfinite(value)


@dataclass
class JobConfig:
    """Fields shared by every training method.

    Paths:
        base_model: a GGUF file (transformers dequantizes it; the exported LoRA GGUF applies to this very file) or a
            Hugging Face model folder (config.json + safetensors).
        train_file: JSONL training data in TRL's conversational format (see data.py).
        output_dir: where `adapter/` (PEFT), `adapter.gguf` (llama.cpp LoRA), `checkpoints/` and `job.json` go.
        init_adapter: a PEFT adapter folder to start from (for DPO: the role's SFT adapter, which is also the reference).
    LoRA (ignored for shape when `init_adapter` is given: the adapter's own rank/alpha/targets are used, and giving a
    different value here is an error):
        rank, alpha, dropout, target_modules.
    Optimisation (what is optimised; the runner never changes it to go faster):
        learning_rate, num_epochs (or "auto": from the data size), max_steps (overrides num_epochs), batch_size and
        gradient_accumulation_steps (their product is the effective batch, examples per optimizer step; the paper
        uses 8), max_length (tokens of prompt+completion; a longer prompt is cut from the left, a completion is never
        cut; null = sized from the data), warmup_steps, lr_scheduler_type, seed.
    Convergence (paper App. A.9, "SFT until convergence"):
        eval_fraction (a seeded slice of the training file held out; its loss is logged as `eval_loss`), eval_steps,
        early_stopping_patience (stop when `eval_loss` has not improved for that many evaluations; the best adapter
        is kept).
    Execution (how a step runs; every choice gives the same optimisation):
        micro_batch_size (examples per forward pass; "auto" = from free memory), gradient_checkpointing ("auto" = only
        when memory needs it on a GPU, off on the CPU), padding_free ("auto" = where a variable-length attention kernel
        runs), attention, pad_to_multiple_of (shape buckets), use_liger_kernel.
    Reporting:
        logging_steps (a `metrics` event every N optimizer steps), save_steps (a checkpoint every N steps; null = none).
    Hardware:
        device ("auto" = CUDA when present, else CPU), dtype ("auto" = bfloat16 on CUDA where supported, else float16;
        float32 on CPU).
    Export:
        export_gguf: also write `adapter.gguf` for node-llama-cpp.
    """

    method: ClassVar[str] = ""

    # I/O
    base_model: str = field(default="", metadata={"help": "GGUF file or Hugging Face model folder to train on."})
    train_file: str = field(default="", metadata={"help": "JSONL file of training examples (TRL conversational format)."})
    output_dir: str = field(default="", metadata={"help": "Folder for the adapter, its GGUF export and checkpoints."})
    init_adapter: str | None = field(
        default=None, metadata={"help": "PEFT adapter folder to start from (e.g. the role's SFT adapter for DPO)."}
    )
    # LoRA
    rank: int | None = field(default=None, metadata={"help": f"LoRA rank r. Defaults to {DEFAULT_RANK}."})
    alpha: float | None = field(
        default=None, metadata={"help": f"LoRA alpha (scale = alpha / rank). Defaults to {DEFAULT_ALPHA:g}."}
    )
    dropout: float = field(default=0.05, metadata={"help": "Dropout on the LoRA input, in [0, 1)."})
    target_modules: list[str] | None = field(
        default=None,
        metadata={"help": f"Hugging Face module names to adapt. Defaults to all of {', '.join(DEFAULT_TARGET_MODULES)}."},
    )
    # optimisation
    learning_rate: float = field(default=1e-4, metadata={"help": "Peak AdamW learning rate."})
    num_epochs: float | str = field(
        default=1.0,
        metadata={"help": "Passes over the training file (the paper uses 1 to 10); \"auto\" picks them from its size."},
    )
    max_steps: int | None = field(
        default=None, metadata={"help": "Optimizer steps to run; overrides num_epochs when set."}
    )
    batch_size: int = field(
        default=8, metadata={"help": "Examples per optimizer step, times gradient_accumulation_steps (the paper uses 8)."}
    )
    gradient_accumulation_steps: int = field(
        default=1, metadata={"help": "Multiplies batch_size; the effective batch is their product."}
    )
    max_length: int | None = field(
        default=1024,
        metadata={"help": "Maximum tokens of prompt + completion; prompts are cut from the left. null: the longest example."},
    )
    warmup_steps: int = field(default=0, metadata={"help": "Linear learning-rate warmup steps."})
    lr_scheduler_type: str = field(default="linear", metadata={"help": f"One of {', '.join(LR_SCHEDULERS)}."})
    # execution
    micro_batch_size: int | str = field(
        default=AUTO,
        metadata={"help": "Examples per forward pass; divides the effective batch. \"auto\": the largest that fits."},
    )
    gradient_checkpointing: bool | str = field(
        default=AUTO,
        metadata={"help": "Recompute activations in backward (less memory, ~20-30% slower). \"auto\": only when needed."},
    )
    padding_free: bool | str = field(
        default=AUTO,
        metadata={"help": "Flatten each micro-batch into one row without padding. \"auto\": where a varlen kernel runs."},
    )
    attention: str = field(default=AUTO, metadata={"help": f"One of {', '.join(ATTENTIONS)}."})
    pad_to_multiple_of: int | str | None = field(
        default=AUTO,
        metadata={"help": "Round sequence lengths up to a multiple of this (shape buckets). \"auto\": 64 on CUDA, none on CPU."},
    )
    use_liger_kernel: bool = field(
        default=False, metadata={"help": "Fused Triton kernels from liger-kernel (CUDA only; must be installed)."}
    )
    seed: int = field(default=42, metadata={"help": "Seed for LoRA init, shuffling, dropout and the held-out slice."})
    # convergence
    eval_fraction: float = field(
        default=0.0, metadata={"help": "Share of the training file held out to measure eval_loss, in [0, 0.5]."}
    )
    eval_steps: int | None = field(
        default=None, metadata={"help": "Evaluate every N optimizer steps; null = four times per epoch."}
    )
    early_stopping_patience: int | None = field(
        default=None, metadata={"help": "Stop after N evaluations without a better eval_loss; null = never."}
    )
    # reporting
    logging_steps: int = field(default=1, metadata={"help": "Emit a `metrics` event every N optimizer steps."})
    save_steps: int | None = field(default=None, metadata={"help": "Save a checkpoint every N steps; null = never."})
    # hardware
    device: str = field(default="auto", metadata={"help": f"One of {', '.join(DEVICES)}."})
    dtype: str = field(default="auto", metadata={"help": f"One of {', '.join(DTYPES)}."})
    # export
    export_gguf: bool = field(default=True, metadata={"help": "Also write adapter.gguf for llama.cpp / node-llama-cpp."})

    def __post_init__(self) -> None:
        for name in ("base_model", "train_file", "output_dir"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ConfigError(name, f"{name} is required and must be a non-empty path string, got {value!r}")
        if self.init_adapter is not None and (not isinstance(self.init_adapter, str) or not self.init_adapter):
            raise ConfigError("init_adapter", f"init_adapter must be a path string or null, got {self.init_adapter!r}")

        self._check_int("rank", minimum=1, optional=True)
        if self.alpha is not None and (not _is_number(self.alpha) or self.alpha <= 0):
            raise ConfigError("alpha", f"alpha must be a positive number or null, got {self.alpha!r}")
        if not _is_number(self.dropout) or not 0 <= self.dropout < 1:
            raise ConfigError("dropout", f"dropout must be a number in [0, 1), got {self.dropout!r}")
        if self.target_modules is not None:
            tm = self.target_modules
            if not isinstance(tm, list) or not tm or not all(isinstance(m, str) and m for m in tm):
                raise ConfigError(
                    "target_modules", f"target_modules must be a non-empty list of module names or null, got {tm!r}"
                )
            if len(set(tm)) != len(tm):
                raise ConfigError("target_modules", f"target_modules has duplicates: {tm!r}")

        if not _is_number(self.learning_rate) or not 0 < self.learning_rate < 1:
            raise ConfigError("learning_rate", f"learning_rate must be a number in (0, 1), got {self.learning_rate!r}")
        if self.num_epochs != AUTO and (not _is_number(self.num_epochs) or self.num_epochs <= 0):
            raise ConfigError("num_epochs", f"num_epochs must be a positive number or \"auto\", got {self.num_epochs!r}")
        self._check_int("max_steps", minimum=1, optional=True)
        self._check_int("batch_size", minimum=1)
        self._check_int("gradient_accumulation_steps", minimum=1)
        self._check_int("max_length", minimum=8, optional=True)
        self._check_int("warmup_steps", minimum=0)
        if self.micro_batch_size != AUTO:
            self._check_int("micro_batch_size", minimum=1, auto=True)
            if self.effective_batch_size % self.micro_batch_size:
                raise ConfigError(
                    "micro_batch_size",
                    f"micro_batch_size must divide the effective batch (batch_size x gradient_accumulation_steps = "
                    f"{self.effective_batch_size}), got {self.micro_batch_size!r}",
                )
        for name in ("gradient_checkpointing", "padding_free"):
            if getattr(self, name) != AUTO:
                self._check_bool(name, auto=True)
        if self.attention not in ATTENTIONS:
            raise ConfigError("attention", f"attention must be one of {', '.join(ATTENTIONS)}, got {self.attention!r}")
        if self.pad_to_multiple_of != AUTO:
            self._check_int("pad_to_multiple_of", minimum=1, optional=True, auto=True)
        self._check_bool("use_liger_kernel")
        if self.lr_scheduler_type not in LR_SCHEDULERS:
            raise ConfigError(
                "lr_scheduler_type",
                f"lr_scheduler_type must be one of {', '.join(LR_SCHEDULERS)}, got {self.lr_scheduler_type!r}",
            )
        self._check_int("seed", minimum=0)
        self._check_int("logging_steps", minimum=1)
        self._check_int("save_steps", minimum=1, optional=True)
        if not _is_number(self.eval_fraction) or not 0 <= self.eval_fraction <= 0.5:
            raise ConfigError("eval_fraction", f"eval_fraction must be a number in [0, 0.5], got {self.eval_fraction!r}")
        self._check_int("eval_steps", minimum=1, optional=True)
        self._check_int("early_stopping_patience", minimum=1, optional=True)
        if self.early_stopping_patience is not None and self.eval_fraction == 0:
            raise ConfigError(
                "early_stopping_patience",
                f"early_stopping_patience is {self.early_stopping_patience} but eval_fraction is 0: early stopping "
                "needs a held-out slice (set eval_fraction, e.g. 0.1)",
            )
        if self.device not in DEVICES:
            raise ConfigError("device", f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        if self.dtype not in DTYPES:
            raise ConfigError("dtype", f"dtype must be one of {', '.join(DTYPES)}, got {self.dtype!r}")
        self._check_bool("export_gguf")

    def _check_int(self, name: str, minimum: int, optional: bool = False, auto: bool = False) -> None:
        value = getattr(self, name)
        if value is None and optional:
            return
        if not _is_int(value) or value < minimum:
            what = f"an integer >= {minimum}" + (" or null" if optional else "") + (' or "auto"' if auto else "")
            raise ConfigError(name, f"{name} must be {what}, got {value!r}")

    def _check_bool(self, name: str, auto: bool = False) -> None:
        value = getattr(self, name)
        if not isinstance(value, bool):
            what = 'true, false or "auto"' if auto else "true or false"
            raise ConfigError(name, f"{name} must be {what}, got {value!r}")

    # Derived values -------------------------------------------------------------------------------------------------
    @property
    def effective_batch_size(self) -> int:
        """Examples per optimizer step: what the optimisation sees, however the step is split into micro-batches."""
        return self.batch_size * self.gradient_accumulation_steps

    @property
    def adapter_dir(self) -> str:
        return os.path.join(self.output_dir, "adapter")

    @property
    def gguf_path(self) -> str:
        return os.path.join(self.output_dir, "adapter.gguf")

    @property
    def checkpoints_dir(self) -> str:
        return os.path.join(self.output_dir, "checkpoints")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, **asdict(self)}


@dataclass
class SFTJobConfig(JobConfig):
    """Supervised fine-tuning on prompt/completion pairs; the loss covers the completion tokens only."""

    method: ClassVar[str] = "sft"


@dataclass
class DPOJobConfig(JobConfig):
    """Direct Preference Optimization on prompt/chosen/rejected triples (trl's DPOTrainer, sigmoid loss).

    beta: the KL coefficient; the paper uses 0.2. With `init_adapter` the reference policy is that adapter (the role's
    SFT model): trl keeps a frozen copy of it as the "ref" adapter. Without it the reference is the base model.
    """

    method: ClassVar[str] = "dpo"

    learning_rate: float = field(default=1e-5, metadata={"help": "Peak AdamW learning rate (trl suggests ~1e-5 for LoRA DPO)."})
    beta: float = field(default=0.2, metadata={"help": "DPO beta (KL strength); MALT uses 0.2."})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not _is_number(self.beta) or self.beta <= 0:
            raise ConfigError("beta", f"beta must be a positive number, got {self.beta!r}")


JOB_CONFIG_CLASSES: dict[str, type[JobConfig]] = {"sft": SFTJobConfig, "dpo": DPOJobConfig}
PATH_FIELDS = ("base_model", "train_file", "output_dir", "init_adapter")


def job_config_from_dict(raw: Any, base_dir: str | os.PathLike | None = None) -> JobConfig:
    """Builds and validates a job config from a parsed JSON object. Relative paths are resolved against `base_dir`."""
    if not isinstance(raw, dict):
        raise ConfigError(None, f"a job config must be a JSON object, got {type(raw).__name__}")
    method = raw.get("method")
    if method not in JOB_CONFIG_CLASSES:
        raise ConfigError("method", f"method must be one of {', '.join(JOB_CONFIG_CLASSES)}, got {method!r}")
    cls = JOB_CONFIG_CLASSES[method]
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key != "method" and key not in known:
            raise ConfigError(key, f"unknown config key {key!r} for method {method!r} (known: {', '.join(sorted(known))})")
    values = {k: v for k, v in raw.items() if k != "method"}
    if base_dir is not None:
        for name in PATH_FIELDS:
            value = values.get(name)
            if isinstance(value, str) and value and not os.path.isabs(value):
                values[name] = os.path.normpath(os.path.join(base_dir, value))
    return cls(**values)


def load_job_config(path: str | os.PathLike) -> JobConfig:
    """Reads a job config JSON file (see `job_config_from_dict`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(None, f"cannot read config file {path}: {e.strerror or e}") from e
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(None, f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    return job_config_from_dict(raw, base_dir=path.parent.resolve())


def check_paths(config: JobConfig) -> None:
    """Checks that the input paths exist and have the expected shape (separate from __post_init__, which is pure)."""
    base = Path(config.base_model)
    if base.is_file():
        if base.suffix.lower() != ".gguf":
            raise ConfigError("base_model", f"base_model must be a .gguf file or a model folder, got {str(base)!r}")
    elif base.is_dir():
        if not (base / "config.json").is_file():
            raise ConfigError("base_model", f"base_model folder {str(base)!r} has no config.json")
    else:
        raise ConfigError("base_model", f"base_model does not exist: {str(base)!r}")
    if not Path(config.train_file).is_file():
        raise ConfigError("train_file", f"train_file does not exist: {config.train_file!r}")
    if config.init_adapter is not None and not (Path(config.init_adapter) / "adapter_config.json").is_file():
        raise ConfigError("init_adapter", f"init_adapter has no adapter_config.json: {config.init_adapter!r}")
    out = Path(config.output_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError("output_dir", f"output_dir exists and is not a folder: {str(out)!r}")
