"""Command line: `python -m malt_runner {env | train --config JOB.json [--launcher accelerate ...] | export-gguf ...}`.

Exit codes of `train`: 0 finished, 1 error (an `error` event says which), 3 cancelled by SIGTERM/SIGINT
(`EXIT_CANCELLED`). `env` exits 0 when every requirement is met, else 1, and prints its JSON object either way.
`train --launcher accelerate --num-processes N [--accelerate-config FILE]` runs the job under `accelerate launch`
(launcher.py); inside a multi-process run only global rank 0 writes events.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from .cancel import EXIT_CANCELLED, CancelController, Cancelled
from .events import EventWriter, claim_stdout


class _EventArgumentParser(argparse.ArgumentParser):
    """Usage errors of `train` become a `bad_config` event, so the app never has to parse free text."""

    events: EventWriter | None = None

    def error(self, message: str):  # type: ignore[override]
        if self.events is not None:
            self.events.error("bad_config", f"command line: {message}")
            sys.exit(1)
        super().error(message)


def _make_parser() -> _EventArgumentParser:
    parser = _EventArgumentParser(prog="python -m malt_runner", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_EventArgumentParser)
    sub.add_parser("env", help="print the environment report as one JSON object")
    train = sub.add_parser("train", help="run one SFT or DPO job; JSON-line events on stdout")
    train.add_argument("--config", required=True, help="the job's JSON config file")
    train.add_argument("--launcher", choices=["none", "accelerate"], default="none", help="run under accelerate launch")
    train.add_argument("--num-processes", type=int, default=1, help="with --launcher accelerate: processes (GPUs)")
    train.add_argument("--accelerate-config", default=None, help="with --launcher accelerate: its config file")
    export = sub.add_parser("export-gguf", help="convert a PEFT LoRA adapter to a llama.cpp LoRA GGUF")
    export.add_argument("--adapter", required=True)
    export.add_argument("--base", required=True)
    export.add_argument("--out", required=True)
    return parser


def _error_kind_and_fields(e: BaseException) -> tuple[str, dict]:
    from .config import ConfigError
    from .data import DataError

    if isinstance(e, ConfigError):
        return "bad_config", {"field": e.field}
    if isinstance(e, DataError):
        return "bad_data", {"file": e.file, "line": e.line}
    if isinstance(e, MemoryError) or type(e).__name__ == "OutOfMemoryError" or (
        isinstance(e, RuntimeError) and ("out of memory" in str(e).lower() or "can't allocate memory" in str(e))
    ):
        return "oom", {}
    return "internal", {"exception": type(e).__name__}


def train(config_path: str, events: EventWriter) -> int:
    cancel = CancelController(
        on_force_exit=lambda name: events.error("cancelled", f"cancelled ({name}, second signal: stopped at once)")
    )
    cancel.install()
    # Fewer allocator stalls when batch shapes vary (must be set before CUDA starts; the user's setting wins).
    os.environ.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")
    try:
        from .config import load_job_config
        from .preflight import preflight

        config = load_job_config(config_path)
        checked = preflight(config)
        from .train import run_job  # heavy imports (torch, transformers, trl) only once config and data are good

        run_job(config, events, cancel, checked)
        return 0
    except Cancelled as e:
        events.error("cancelled", str(e), step=e.step)
        return EXIT_CANCELLED
    except BaseException as e:  # noqa: BLE001 - every failure must reach the app as an event
        if isinstance(e, SystemExit):
            raise
        kind, fields = _error_kind_and_fields(e)
        if kind in ("internal", "oom"):
            traceback.print_exc(file=sys.stderr)
        events.error(kind, str(e) or type(e).__name__, **fields)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = _make_parser()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["train"]:
        rank = int(os.environ.get("RANK", "0"))
        if os.environ.get("MALT_RUNNER_LAUNCHED") == "1":
            from .launcher import die_with_parent

            die_with_parent()  # a training process must not outlive its launcher
        events = claim_stdout(write_events=rank == 0)
        _EventArgumentParser.events = events
        args = parser.parse_args(argv)
        if args.launcher == "accelerate":
            from .launcher import run_launched

            return run_launched(args.config, args.num_processes, args.accelerate_config, events)
        return train(args.config, events)
    args = parser.parse_args(argv)
    if args.command == "env":
        from .env_check import env_report

        report = env_report()
        print(json.dumps(report, indent=None))
        return 0 if report["ok"] else 1
    from .export_gguf_lora import main as export_main

    return export_main(["--adapter", args.adapter, "--base", args.base, "--out", args.out])


if __name__ == "__main__":
    sys.exit(main())
