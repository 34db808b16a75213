"""One LoRA training job: SFT or DPO with trl on a GGUF (or Hugging Face) base, then the llama.cpp export.

    run_job(config, events)  ->  TrainResult

1. choose the device and dtype (device.choose_device), the attention kernel and padding-free batches (attention.py);
2. load the tokenizer, its chat template and the base model (a GGUF is dequantized by transformers);
3. LoRA: a fresh adapter, or `init_adapter` loaded trainable (for DPO, trl then keeps a frozen copy named "ref" and
   uses it as the reference policy, so the reference is the role's SFT model);
4. tokenize the data and fit it to max_length without cutting a completion, hold out a slice (sequences.py): `data`;
5. split the effective batch into micro-batches and decide on gradient checkpointing from free memory (plan.py): `plan`;
6. train with trl's SFTTrainer / DPOTrainer while `EventCallback` turns the Trainer's callbacks into events, evaluates
   the held-out slice and stops early (convergence.py);
7. save the PEFT adapter to `<output_dir>/adapter/` and export `<output_dir>/adapter.gguf` (rank 0 of a multi-process
   run only).

Heavy imports (torch, transformers, trl) live here and are loaded only when a job runs.
"""
from __future__ import annotations

import json
import logging
import math
import os
import shutil
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
from .attention import KernelAvailability, choose_attention, real_tokens, resolve_padding_free
from .attention import install as install_attention
from .cancel import Cancelled, CancelController
from .config import ConfigError, DPOJobConfig, JobConfig
from .convergence import EarlyStopping, auto_epochs, auto_eval_steps
from .data import DataError
from .device import DeviceChoice, choose_device, detect_device
from .events import EventWriter
from .export_gguf_lora import BaseModelInfo, export_gguf_lora
from .flops import flops_per_token, mean_causal_context, mfu, peak_flops
from .gguf_info import read_gguf_header
from .plan import ModelShape, StepPlan, plan_steps
from .preflight import Preflight, preflight
from .sequences import dpo_rows, encode_examples, fit_to_length, sequence_lengths, sft_rows, split_held_out
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
    """Trainer callbacks -> `progress` / `metrics` / `checkpoint` events; stops at a step boundary when cancelled or
    when the held-out loss has stopped improving (keeping the best adapter weights)."""

    def __init__(
        self,
        events: EventWriter,
        meter: ThroughputMeter,
        cancel: CancelController | None,
        stopping: EarlyStopping | None = None,
        mfu_of=None,
        world: "Distributed | None" = None,
    ):
        self.events, self.meter, self.cancel, self.stopping = events, meter, cancel, stopping
        self.mfu_of = mfu_of or (lambda tokens_per_second: None)
        self.world = world or Distributed.single()
        self.summary: dict[str, Any] = {}
        self.best_state: dict[str, Any] | None = None
        self.model = None  # set by run_job once the trainer has wrapped it (the best adapter is copied from it)

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
        # Every process must stop after the same step (DDP would wait forever on one that went on), so a signal seen
        # by any of them stops all of them.
        if self.cancel is not None and self.world.any(self.cancel.requested):
            self.cancel.requested = True
            control.should_training_stop = True

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = dict(logs or {})
        if "train_runtime" in logs:  # the Trainer's end-of-training summary
            self.summary = logs
            return
        metrics = {k: v for k, v in logs.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if not any(k.startswith("eval_") for k in metrics):  # an evaluation's log has no training window of its own
            window = self.meter.window()
            window["mfu"] = self.mfu_of(window["tokens_per_second"])
            metrics.update({f"perf/{k}": v for k, v in window.items()})
        self.events.emit("metrics", step=state.global_step, **metrics)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if self.stopping is None:
            return
        improved, stop = self.stopping.update(state.global_step, (metrics or {}).get("eval_loss"))
        if improved and self.model is not None:
            from peft import get_peft_model_state_dict

            state_dict = get_peft_model_state_dict(self.model, adapter_name="default")
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in state_dict.items()}
        if stop:
            control.should_training_stop = True

    def on_save(self, args, state, control, **kwargs):
        path = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        self.events.emit("checkpoint", step=state.global_step, path=path)


def _timed(trainer_cls: type, meter: ThroughputMeter) -> type:
    """A subclass of a trl trainer whose training_step (forward + backward of one micro-batch) is timed, whose
    evaluations are left out of the step time, and which takes datasets that sequences.py already tokenized."""

    class Timed(trainer_cls):  # type: ignore[misc, valid-type]
        def training_step(self, model, inputs, num_items_in_batch=None):
            meter.fwd_bwd_begin(real_tokens(inputs))
            try:
                return super().training_step(model, inputs, num_items_in_batch)
            finally:
                meter.fwd_bwd_end()

        def evaluate(self, *args, **kwargs):
            began = time.perf_counter()
            try:
                return super().evaluate(*args, **kwargs)
            finally:
                meter.exclude(time.perf_counter() - began)

        def _prepare_dataset(self, dataset, *args, **kwargs):
            # DPOTrainer would tokenize (and later truncate at the end) again; SFTTrainer already skips a dataset that
            # has input_ids.
            if "prompt_ids" in dataset.column_names:
                return dataset
            return super()._prepare_dataset(dataset, *args, **kwargs)

    Timed.__name__ = f"Timed{trainer_cls.__name__}"
    return Timed


# Processes -------------------------------------------------------------------------------------------------------------
@dataclass
class Distributed:
    """This process's place in a multi-process run (`accelerate launch`, torchrun); rank 0 alone writes events."""

    rank: int
    world_size: int

    @staticmethod
    def single() -> "Distributed":
        return Distributed(rank=0, world_size=1)

    @staticmethod
    def from_env(env=os.environ) -> "Distributed":
        return Distributed(rank=int(env.get("RANK", "0")), world_size=int(env.get("WORLD_SIZE", "1")))

    def _reduce(self, value: float, op: str) -> float:
        if self.world_size == 1:
            return value
        import torch.distributed as dist
        from accelerate import PartialState

        state = PartialState()  # joins the process group (once) as the Trainer will
        tensor = torch.tensor([float(value)], device=state.device)
        dist.all_reduce(tensor, op={"min": dist.ReduceOp.MIN, "max": dist.ReduceOp.MAX, "sum": dist.ReduceOp.SUM}[op])
        return float(tensor.item())

    def any(self, flag: bool) -> bool:
        return self._reduce(1.0 if flag else 0.0, "max") > 0

    def min(self, value: float) -> float:
        return self._reduce(value, "min")

    def sum(self, value: float) -> float:
        return self._reduce(value, "sum")


# The job ---------------------------------------------------------------------------------------------------------------
def _free_memory_bytes(device: str) -> float | None:
    """Memory a step may still use: free GPU memory after the model is loaded, or the RAM available on the CPU."""
    if device == "cuda":
        free, _total = torch.cuda.mem_get_info()
        return float(free)
    try:
        import psutil

        return float(psutil.virtual_memory().available)
    except ImportError:  # psutil is pinned, but the estimate is only an aid
        return None


def _check_liger(config: JobConfig, device: str) -> None:
    if not config.use_liger_kernel:
        return
    if device != "cuda":
        raise ConfigError("use_liger_kernel", f"use_liger_kernel needs a CUDA GPU (its kernels are Triton); this job runs on the {device}")
    import importlib.util

    if importlib.util.find_spec("liger_kernel") is None:
        raise ConfigError(
            "use_liger_kernel",
            "use_liger_kernel is true but the package liger-kernel is not installed in the runner's environment "
            "(pip install -r requirements-optional.txt)",
        )


def _training_args(config: JobConfig, choice: DeviceChoice, plan: StepPlan, execution: dict[str, Any]) -> dict[str, Any]:
    """Arguments common to SFTConfig and DPOConfig (both extend transformers.TrainingArguments)."""
    evaluating = execution["eval_steps"] is not None
    return dict(
        output_dir=config.checkpoints_dir,
        per_device_train_batch_size=plan.micro_batch_size,
        per_device_eval_batch_size=plan.micro_batch_size,
        gradient_accumulation_steps=plan.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        num_train_epochs=execution["num_epochs"],
        max_steps=config.max_steps if config.max_steps is not None else -1,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        max_length=None,  # sequences.fit_to_length already fitted every example; trl would cut completions
        pad_to_multiple_of=execution["pad_to_multiple_of"],
        gradient_checkpointing=plan.gradient_checkpointing,
        use_liger_kernel=config.use_liger_kernel,
        logging_steps=config.logging_steps,
        eval_strategy="steps" if evaluating else "no",
        eval_steps=execution["eval_steps"],
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
        ddp_find_unused_parameters=False if plan.world_size > 1 else None,
    )


def run_job(
    config: JobConfig,
    events: EventWriter,
    cancel: CancelController | None = None,
    checked: Preflight | None = None,
    world: Distributed | None = None,
) -> TrainResult:
    """Runs the job; `checked` is the result of `preflight(config)` when the caller already ran it."""
    import datasets
    from peft import LoraConfig, PeftModel, set_peft_model_state_dict
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    datasets.disable_progress_bars()
    transformers.utils.logging.set_verbosity_warning()
    t_job = time.perf_counter()
    world = world or Distributed.from_env()

    checked = checked or preflight(config)
    lora, examples = checked.lora, checked.examples
    cuda, bf16 = detect_device()
    choice = choose_device(config.device, config.dtype, cuda_available=cuda, bf16_supported=bf16)
    _check_liger(config, choice.device)
    kernels = KernelAvailability.detect()
    attention = choose_attention(config.attention, choice.device, choice.dtype, kernels)
    padding_free, padding_reason = resolve_padding_free(config.padding_free, config.method, attention)
    pad_multiple = config.pad_to_multiple_of
    if pad_multiple == "auto":
        # Buckets keep the number of distinct shapes small on a GPU (the allocator and kernel selection see a few
        # sizes, not one per step); on the CPU padding only costs compute.
        pad_multiple = 64 if choice.device == "cuda" else None
    device_names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else []
    device_name = device_names[0] if choice.device == "cuda" and device_names else "cpu"
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
        device_name=device_name,
        dtype=choice.dtype,
        lora=lora,
    )
    if world.rank == 0:
        os.makedirs(config.output_dir, exist_ok=True)
        Path(config.output_dir, "job.json").write_text(json.dumps(config.to_dict(), indent=2))

    t_load = time.perf_counter()
    tokenizer, model = load_tokenizer_and_model(config.base_model, TORCH_DTYPES[choice.dtype])
    install_attention(model, attention)
    peft_config = None
    if config.init_adapter is not None:
        model = PeftModel.from_pretrained(model, config.init_adapter, is_trainable=True)
    else:
        peft_config = LoraConfig(task_type="CAUSAL_LM", bias="none", **lora)
    if choice.device == "cuda":
        # So that the free memory measured below is what training has left; each process of a multi-GPU run has its own.
        local = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(local)
        model.to(local)
    load_seconds = time.perf_counter() - t_load

    # Data: tokenized once, prompts cut from the left to fit, a seeded slice held out.
    encoded = encode_examples(tokenizer, examples, config.method, checked.lines)
    fitted = fit_to_length(encoded, config.max_length)
    if not fitted.examples:
        raise DataError(
            config.train_file,
            None,
            f"no example fits max_length {config.max_length}: every completion alone is longer than that (raise "
            "max_length, or set it to null to size it from the data)",
        )
    train_index, eval_index = split_held_out(len(fitted.examples), config.eval_fraction, config.seed)
    train_examples = [fitted.examples[i] for i in train_index]
    eval_examples = [fitted.examples[i] for i in eval_index]
    events.emit("data", **fitted.report.as_event(), train_examples=len(train_examples), eval_examples=len(eval_examples))
    if fitted.report.dropped or fitted.report.prompts_truncated:
        print(
            f"malt_runner: max_length {fitted.report.applied_max_length}: {fitted.report.prompts_truncated} prompts cut "
            f"from the left ({fitted.report.prompt_tokens_removed} tokens), {fitted.report.dropped} examples left out "
            "because their completion alone is longer",
            file=sys.stderr,
        )

    # Execution plan: micro-batch, accumulation and checkpointing for the effective batch.
    lengths = sequence_lengths(train_examples)
    free = _free_memory_bytes(choice.device)
    if free is not None:
        free = world.min(free)
    dtype_bytes = 4 if choice.dtype == "float32" else 2
    shape = ModelShape.of(model)
    plan = plan_steps(
        effective_batch=config.effective_batch_size,
        world_size=world.world_size,
        requested_micro=config.micro_batch_size,
        requested_checkpointing=config.gradient_checkpointing,
        device=choice.device,
        free_bytes=free,
        shape=shape,
        dtype_bytes=dtype_bytes,
        lengths=[len(e.prompt) + max(len(c) for c in e.completions) for e in train_examples],
        padded=not padding_free,
        pad_multiple=pad_multiple,
        rows_per_example=2 if config.method == "dpo" else 1,
    )
    steps_per_epoch = max(1, math.ceil(len(train_examples) / config.effective_batch_size))
    num_epochs = auto_epochs(len(train_examples)) if config.num_epochs == "auto" else config.num_epochs
    eval_steps = (config.eval_steps or auto_eval_steps(steps_per_epoch)) if eval_examples else None
    execution = {"num_epochs": num_epochs, "eval_steps": eval_steps, "pad_to_multiple_of": pad_multiple}
    events.emit(
        "plan",
        effective_batch_size=config.effective_batch_size,
        **plan.as_event(),
        padding_free=padding_free,
        padding_reason=padding_reason,
        attention=attention.name,
        attention_reason=attention.reason,
        pad_to_multiple_of=pad_multiple,
        use_liger_kernel=config.use_liger_kernel,
        num_epochs=num_epochs,
        eval_steps=eval_steps,
    )

    peak = peak_flops(device_name if choice.device == "cuda" else None, choice.dtype)
    meter = ThroughputMeter(
        sync=torch.cuda.synchronize if choice.device == "cuda" else None,
        reduce_sum=world.sum if world.world_size > 1 else None,
    )
    stopping = EarlyStopping(config.early_stopping_patience) if eval_examples else None
    per_token: list[float] = []  # filled once the LoRA wraps the model (its parameters count)
    callback = EventCallback(
        events, meter, cancel, stopping, mfu_of=lambda tps: mfu(tps, per_token[0] if per_token else None, peak), world=world
    )
    to_rows = dpo_rows if isinstance(config, DPOJobConfig) else sft_rows
    train_dataset = datasets.Dataset.from_list(to_rows(train_examples))
    eval_dataset = datasets.Dataset.from_list(to_rows(eval_examples)) if eval_examples else None
    common = _training_args(config, choice, plan, execution)
    if isinstance(config, DPOJobConfig):
        args = DPOConfig(**common, beta=config.beta)
        trainer_cls = _timed(DPOTrainer, meter)
    else:
        args = SFTConfig(**common, completion_only_loss=True, padding_free=padding_free)
        trainer_cls = _timed(SFTTrainer, meter)
    trainer = trainer_cls(
        model=model, args=args, train_dataset=train_dataset, eval_dataset=eval_dataset, processing_class=tokenizer,
        peft_config=peft_config, callbacks=[callback],
    )
    callback.model = trainer.model
    per_token.append(
        flops_per_token(ModelShape.of(trainer.model), mean_causal_context(lengths), reference_forward=config.method == "dpo")
    )
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # it would print() every log dict
    if cancel is not None:
        cancel.enter_training()  # from here a signal stops at the next step boundary instead of at once
    trainer.train()
    if cancel is not None and cancel.requested:
        raise Cancelled(step=trainer.state.global_step)

    # Early stopping keeps the weights of the best evaluation, not those of the last step.
    peft_model = trainer.model
    if stopping is not None and callback.best_state is not None and stopping.best_step != trainer.state.global_step:
        set_peft_model_state_dict(peft_model, callback.best_state, adapter_name="default")

    # Save the trained adapter only ("default"; DPO also holds the frozen "ref" copy) and export it for llama.cpp.
    gguf_path, export_seconds = None, 0.0
    if getattr(trainer, "is_fsdp_enabled", False) or getattr(trainer, "is_deepspeed_enabled", False):
        # Sharded weights: the Trainer gathers them, which every process must take part in. It saves every adapter,
        # so DPO's frozen "ref" copy is removed afterwards. (Not exercised by the tests, which have no GPUs.)
        trainer.save_model(config.adapter_dir)
        if world.rank == 0:
            shutil.rmtree(Path(config.adapter_dir, "ref"), ignore_errors=True)
    elif world.rank == 0:
        peft_model.save_pretrained(config.adapter_dir, selected_adapters=["default"], save_embedding_layers=False)
    if world.rank == 0:
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
        mfu=mfu(totals["tokens_per_second"], per_token[0], peak),
        best_eval_loss=stopping.best if stopping else None,
        best_step=stopping.best_step if stopping else None,
        stopped_early=bool(stopping and stopping.stopped_at is not None),
        load_seconds=load_seconds,
        export_seconds=export_seconds,
        total_seconds=time.perf_counter() - t_job,
    )
    return TrainResult(finished=finished, model=peft_model, tokenizer=tokenizer)
