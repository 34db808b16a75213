"""One LoRA training job: SFT or DPO with trl on a GGUF (or Hugging Face) base, then the llama.cpp export.

    run_job(config, events)  ->  TrainResult

1. choose the device and dtype (device.choose_device) and read the data (data.read_training_file);
2. load the tokenizer, its chat template and the base model (a GGUF is dequantized by transformers);
3. wrap it in LoRA: a fresh adapter, or `init_adapter` loaded trainable (for DPO, trl then keeps a frozen copy named
   "ref" and uses it as the reference policy, so the reference is the role's SFT model);
4. train with trl's SFTTrainer / DPOTrainer while `EventCallback` turns the Trainer's callbacks into events;
5. save the PEFT adapter to `<output_dir>/adapter/` and export `<output_dir>/adapter.gguf`.

Heavy imports (torch, transformers, trl) live here and are loaded only when a job runs.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback

from . import __version__
from .cancel import Cancelled, CancelController
from .config import ConfigError, DPOJobConfig, JobConfig
from .data import DataError
from .device import DeviceChoice, choose_device, detect_device
from .events import EventWriter
from .export_gguf_lora import BaseModelInfo, export_gguf_lora
from .gguf_info import read_gguf_header
from .preflight import Preflight, preflight
from .throughput import ThroughputMeter

logger = logging.getLogger("malt_runner")
TORCH_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


@dataclass
class TrainResult:
    finished: dict[str, Any]  # the `finished` event
    model: Any  # the trained PeftModel (for in-process callers, e.g. tests)
    tokenizer: Any


# Loading ---------------------------------------------------------------------------------------------------------------
# llama.cpp pre-tokenizers (tokenizer.ggml.pre) that transformers does not rebuild from a GGUF: it falls back to plain
# GPT-2 splitting, which differs from llama.cpp's on whitespace before digits ("\n\n1." or "plus  7"), so training
# would see other token ids than inference. llama.cpp splits digits one by one first, then applies the GPT-2 regex
# (src/llama-vocab.cpp, LLAMA_VOCAB_PRE_TYPE_SMOLLM and the types sharing its regex); so does SmolLM2's own
# tokenizer.json (Digits(individual_digits) + ByteLevel).
DIGITS_THEN_GPT2_PRE = ("smollm", "codeshell", "exaone", "minerva", "mellum2")
GPT2_PRE = ("gpt-2", "default")


def load_tokenizer(base_model: str):
    """The base model's tokenizer, splitting text exactly as llama.cpp does. It must carry a chat template."""
    path = Path(base_model)
    folder, kwargs = (str(path.parent), {"gguf_file": path.name}) if path.is_file() else (str(path), {})
    tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
    if not tokenizer.chat_template:
        raise ConfigError("base_model", f"base_model {base_model!r} has no chat template (tokenizer.chat_template)")
    if path.is_file():
        _match_llama_cpp_pre_tokenizer(tokenizer, path)
    return tokenizer


def _match_llama_cpp_pre_tokenizer(tokenizer, gguf_path: Path) -> None:
    from tokenizers import pre_tokenizers
    from transformers.integrations.gguf.gguf_tokenizer_mapping import GGUF_PRE_TOKENIZER_SPLITS

    header = read_gguf_header(gguf_path)
    pre = header.metadata.get("tokenizer.ggml.pre")
    if header.metadata.get("tokenizer.ggml.model") != "gpt2" or pre is None:
        return
    if pre in DIGITS_THEN_GPT2_PRE:
        tokenizer.backend_tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]
        )
    elif pre not in GGUF_PRE_TOKENIZER_SPLITS and pre not in GPT2_PRE:
        logger.warning(
            "tokenizer.ggml.pre %r: transformers splits text with the GPT-2 rule for it, which may tokenize some "
            "inputs differently from llama.cpp", pre,
        )


def load_tokenizer_and_model(base_model: str, dtype: torch.dtype | None = None):
    """A GGUF file or a Hugging Face folder -> (tokenizer, causal LM)."""
    path = Path(base_model)
    folder, kwargs = (str(path.parent), {"gguf_file": path.name}) if path.is_file() else (str(path), {})
    if not path.is_file():
        return load_tokenizer(base_model), AutoModelForCausalLM.from_pretrained(folder, dtype=dtype or torch.float32)
    from transformers import GgufConfig

    # Dense weights: LoRA trains on plain nn.Linear layers, not on GGUF blocks kept packed.
    kwargs["quantization_config"] = GgufConfig(gguf_file=path.name, dequantize=True)
    with _one_gguf_reader():
        tokenizer = load_tokenizer(base_model)
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype or torch.float32, **kwargs)
    _forget_gguf_quantization(model)
    return tokenizer, model


@contextmanager
def _one_gguf_reader():
    """transformers opens the GGUF with gguf-py's `GGUFReader` three times (tokenizer config, model config, weights),
    and each opening parses the whole header: about 4 s for a 49k-token vocabulary. The reader is read-only (a memory
    map), so while loading, every opening of the same file gets the same reader."""
    import gguf

    original = gguf.GGUFReader
    readers: dict[tuple[str, str], Any] = {}

    def shared_reader(path, mode="r"):
        key = (os.path.realpath(path), mode)
        if key not in readers:
            readers[key] = original(path, mode)
        return readers[key]

    gguf.GGUFReader = shared_reader
    try:
        yield
    finally:
        gguf.GGUFReader = original


def _forget_gguf_quantization(model) -> None:
    """A dequantized GGUF model still carries its GGUF "quantizer", and the Trainer refuses to train any quantized model
    ("quantization method do not support training"). Every weight is a dense tensor by now, so drop the marker."""
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is None:
        return
    if getattr(quantizer, "packed_modules", None):
        raise RuntimeError(f"{len(quantizer.packed_modules)} GGUF layers stayed packed; cannot train them")
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


# Events from the Trainer -----------------------------------------------------------------------------------------------
class EventCallback(TrainerCallback):
    """Trainer callbacks -> `progress` / `metrics` / `checkpoint` events; stops at a step boundary when cancelled."""

    def __init__(self, events: EventWriter, meter: ThroughputMeter, cancel: CancelController | None):
        self.events, self.meter, self.cancel = events, meter, cancel
        self.summary: dict[str, Any] = {}

    def on_train_begin(self, args, state, control, **kwargs):
        self.meter.start()
        self.events.emit("progress", step=0, total_steps=state.max_steps, epoch=0.0, eta_seconds=None)

    def on_step_end(self, args, state, control, **kwargs):
        self.meter.step_end()
        self.events.emit(
            "progress",
            step=state.global_step,
            total_steps=state.max_steps,
            epoch=state.epoch,
            eta_seconds=self.meter.eta_seconds(state.max_steps),
        )
        if self.cancel is not None and self.cancel.requested:
            control.should_training_stop = True

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = dict(logs or {})
        if "train_runtime" in logs:  # the Trainer's end-of-training summary
            self.summary = logs
            return
        window = self.meter.window()
        metrics = {k: v for k, v in logs.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        metrics.update({f"perf/{k}": v for k, v in window.items()})
        self.events.emit("metrics", step=state.global_step, **metrics)

    def on_save(self, args, state, control, **kwargs):
        path = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        self.events.emit("checkpoint", step=state.global_step, path=path)


def _timed(trainer_cls: type, meter: ThroughputMeter) -> type:
    """A subclass of a trl trainer whose training_step (forward + backward of one micro-batch) is timed."""

    class Timed(trainer_cls):  # type: ignore[misc, valid-type]
        def training_step(self, model, inputs, num_items_in_batch=None):
            mask = inputs.get("attention_mask")
            tokens = int(mask.sum()) if mask is not None else int(inputs["input_ids"].numel())
            meter.fwd_bwd_begin(tokens)
            try:
                return super().training_step(model, inputs, num_items_in_batch)
            finally:
                meter.fwd_bwd_end()

    Timed.__name__ = f"Timed{trainer_cls.__name__}"
    return Timed


# The job ---------------------------------------------------------------------------------------------------------------
def _training_args(config: JobConfig, choice: DeviceChoice) -> dict[str, Any]:
    """Arguments common to SFTConfig and DPOConfig (both extend transformers.TrainingArguments)."""
    return dict(
        output_dir=config.checkpoints_dir,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        num_train_epochs=config.num_epochs,
        max_steps=config.max_steps if config.max_steps is not None else -1,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        max_length=config.max_length,
        gradient_checkpointing=config.gradient_checkpointing,
        logging_steps=config.logging_steps,
        save_strategy="steps" if config.save_steps else "no",
        save_steps=config.save_steps or 500,
        save_only_model=True,
        seed=config.seed,
        use_cpu=choice.device == "cpu",
        bf16=choice.mixed_precision == "bf16",
        fp16=choice.mixed_precision == "fp16",
        report_to="none",
        disable_tqdm=True,  # progress goes out as events
        dataloader_pin_memory=choice.device == "cuda",
    )


def run_job(
    config: JobConfig, events: EventWriter, cancel: CancelController | None = None, checked: Preflight | None = None
) -> TrainResult:
    """Runs the job; `checked` is the result of `preflight(config)` when the caller already ran it."""
    import datasets
    from peft import LoraConfig, PeftModel
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    datasets.disable_progress_bars()
    transformers.utils.logging.set_verbosity_warning()
    t_job = time.perf_counter()

    checked = checked or preflight(config)
    lora, examples = checked.lora, checked.examples
    cuda, bf16 = detect_device()
    choice = choose_device(config.device, config.dtype, cuda_available=cuda, bf16_supported=bf16)
    device_names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else []
    events.emit(
        "started",
        method=config.method,
        pid=os.getpid(),
        runner_version=__version__,
        base_model=config.base_model,
        train_file=config.train_file,
        output_dir=config.output_dir,
        init_adapter=config.init_adapter,
        train_examples=len(examples),
        device=choice.device,
        device_name=device_names[0] if choice.device == "cuda" and device_names else "cpu",
        dtype=choice.dtype,
        lora=lora,
    )
    os.makedirs(config.output_dir, exist_ok=True)
    Path(config.output_dir, "job.json").write_text(json.dumps(config.to_dict(), indent=2))

    t_load = time.perf_counter()
    tokenizer, model = load_tokenizer_and_model(config.base_model, TORCH_DTYPES[choice.dtype])
    peft_config = None
    if config.init_adapter is not None:
        model = PeftModel.from_pretrained(model, config.init_adapter, is_trainable=True)
    else:
        peft_config = LoraConfig(task_type="CAUSAL_LM", bias="none", **lora)
    load_seconds = time.perf_counter() - t_load

    meter = ThroughputMeter(sync=torch.cuda.synchronize if choice.device == "cuda" else None)
    callback = EventCallback(events, meter, cancel)
    dataset = datasets.Dataset.from_list(examples)
    common = _training_args(config, choice)
    if isinstance(config, DPOJobConfig):
        args = DPOConfig(**common, beta=config.beta)
        trainer_cls = _timed(DPOTrainer, meter)
    else:
        args = SFTConfig(**common, completion_only_loss=True)
        trainer_cls = _timed(SFTTrainer, meter)
    trainer = trainer_cls(
        model=model, args=args, train_dataset=dataset, processing_class=tokenizer, peft_config=peft_config,
        callbacks=[callback],
    )
    # trl drops examples whose completion lies wholly beyond max_length (the prompt alone fills it). If that leaves
    # nothing, the Trainer would fail with an opaque sampler error; say what happened and what to change instead.
    kept = len(trainer.train_dataset) if trainer.train_dataset is not None else 0
    if kept == 0:
        raise DataError(
            config.train_file,
            None,
            f"no example has a completion token within max_length {config.max_length}: every prompt alone fills it "
            "(raise max_length)",
        )
    if kept < len(examples):
        print(
            f"malt_runner: {len(examples) - kept} of {len(examples)} examples dropped: their prompt alone fills "
            f"max_length {config.max_length}",
            file=sys.stderr,
        )
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # it would print() every log dict
    if cancel is not None:
        cancel.enter_training()  # from here a signal stops at the next step boundary instead of at once
    trainer.train()
    if cancel is not None and cancel.requested:
        raise Cancelled(step=trainer.state.global_step)

    # Save the trained adapter only ("default"; DPO also holds the frozen "ref" copy) and export it for llama.cpp.
    peft_model = trainer.model
    peft_model.save_pretrained(config.adapter_dir, selected_adapters=["default"], save_embedding_layers=False)
    gguf_path, export_seconds = None, 0.0
    if config.export_gguf:
        t_export = time.perf_counter()
        base_info = BaseModelInfo.from_base(config.base_model)
        gguf_path = export_gguf_lora(config.adapter_dir, config.gguf_path, base_info)["path"]
        export_seconds = time.perf_counter() - t_export
    if cancel is not None and cancel.requested:
        raise Cancelled(step=trainer.state.global_step)

    totals = meter.totals()
    finished = events.emit(
        "finished",
        method=config.method,
        adapter_dir=config.adapter_dir,
        gguf_path=gguf_path,
        steps=trainer.state.global_step,
        train_loss=callback.summary.get("train_loss"),
        train_tokens=totals["train_tokens"],
        train_runtime_s=meter.step_seconds,
        tokens_per_second=totals["tokens_per_second"],
        outside_fwd_bwd_fraction=totals["outside_fwd_bwd_fraction"],
        load_seconds=load_seconds,
        export_seconds=export_seconds,
        total_seconds=time.perf_counter() - t_job,
    )
    return TrainResult(finished=finished, model=peft_model, tokenizer=tokenizer)
