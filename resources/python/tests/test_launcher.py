"""`train --launcher accelerate` with one CPU process: events come once, cancel stops at a step boundary, and killing
the runner leaves no training process behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from malt_runner.cancel import EXIT_CANCELLED
from malt_runner.launcher import launch_command

from helpers import sft_rows, write_jsonl

PYTHON_DIR = Path(__file__).resolve().parents[1]


def job(tmp_path: Path, tiny_gguf: Path, max_steps: int) -> Path:
    write_jsonl(tmp_path / "sft.jsonl", sft_rows(8))
    config = {
        "method": "sft", "base_model": str(tiny_gguf), "train_file": "sft.jsonl", "output_dir": "out",
        "max_steps": max_steps, "batch_size": 4, "max_length": 96, "rank": 8, "alpha": 16, "export_gguf": False,
    }
    path = tmp_path / "job.json"
    path.write_text(json.dumps(config))
    return path


def start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "malt_runner", "train", "--config", str(config), "--launcher", "accelerate", "--num-processes", "1"],
        cwd=PYTHON_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def read_until(proc: subprocess.Popen, predicate, events: list[dict]) -> dict:
    for line in proc.stdout:
        event = json.loads(line)  # every stdout line is an event
        events.append(event)
        if predicate(event):
            return event
    raise AssertionError(f"the runner ended before the awaited event: {events[-3:]}\n{proc.stderr.read()[-3000:]}")


def gone(pid: int, within: float = 60.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


def test_command_line():
    assert launch_command("/j.json", 4, None)[1:] == [
        "-m", "accelerate.commands.launch", "--num_processes", "4", "-m", "malt_runner", "train", "--config", "/j.json"
    ]
    assert launch_command("/j.json", 2, "/fsdp.yaml")[3:5] == ["--config_file", "/fsdp.yaml"]


def test_a_launched_job_reports_once(tmp_path, tiny_gguf):
    proc = start(job(tmp_path, tiny_gguf, max_steps=2))
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    events = [json.loads(line) for line in out.splitlines()]
    types = [e["type"] for e in events]
    assert types.count("started") == types.count("finished") == 1 and types[-1] == "finished", types
    assert [e["step"] for e in events if e["type"] == "progress"] == [0, 1, 2]
    assert events[0]["pid"] != proc.pid  # the training process, under accelerate's launcher
    assert (Path(events[-1]["adapter_dir"]) / "adapter_model.safetensors").is_file()


def test_cancel_stops_at_a_step_boundary(tmp_path, tiny_gguf):
    proc = start(job(tmp_path, tiny_gguf, max_steps=200))
    events: list[dict] = []
    try:
        worker = read_until(proc, lambda e: e["type"] == "started", events)["pid"]
        read_until(proc, lambda e: e["type"] == "progress" and e["step"] >= 1, events)
        proc.send_signal(signal.SIGTERM)
        rest, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    events += [json.loads(line) for line in rest.splitlines()]
    assert proc.returncode == EXIT_CANCELLED, err[-3000:]
    last = events[-1]
    assert last["type"] == "error" and last["kind"] == "cancelled" and last["step"] >= 1
    assert [e["type"] for e in events].count("error") == 1
    assert gone(worker)


def test_killing_the_runner_ends_the_training_process(tmp_path, tiny_gguf):
    proc = start(job(tmp_path, tiny_gguf, max_steps=200))
    events: list[dict] = []
    worker = None
    try:
        worker = read_until(proc, lambda e: e["type"] == "started", events)["pid"]
        read_until(proc, lambda e: e["type"] == "progress", events)
        proc.kill()  # SIGKILL: the runner cannot pass anything on
        proc.wait(timeout=60)
        assert gone(worker), "the training process outlived the runner"
    finally:
        proc.kill()
        if worker is not None and psutil.pid_exists(worker):
            psutil.Process(worker).kill()
