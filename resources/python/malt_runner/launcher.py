"""`train --launcher accelerate`: the same job under `accelerate launch` (DDP; FSDP or DeepSpeed through its config file).

    python -m malt_runner train --config JOB.json --launcher accelerate --num-processes 8 [--accelerate-config FILE]

This process stays the one the app talks to, so the event protocol, exit codes and cancelling stay as they are:

- it starts `python -m accelerate.commands.launch [--config_file FILE] --num_processes N -m malt_runner train --config
  JOB.json`, whose processes run the ordinary job; only global rank 0 writes events (see `__main__`), and each process
  takes its share of the effective batch (plan.py);
- it relays the launcher's stdout to its own event stream line by line (anything that is not a JSON object goes to
  stderr), and when the launcher ends without a final event it writes one (`internal`, naming the exit code);
- SIGTERM/SIGINT are passed on to the training processes themselves, once per signal: the first makes them stop
  together after the current step (they agree through an all-reduce, see train.EventCallback), a second stops them
  at once. Signalling the launcher instead would either orphan the job (accelerate's simple launcher dies at once) or
  reach the workers twice (torchrun's agent forwards it too), which the runner reads as "stop at once";
- if this process dies (SIGKILL), the kernel sends SIGTERM to the launcher, and every training process asks for
  SIGKILL when its parent dies (`die_with_parent`), so nothing is left holding a GPU.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import IO

from .cancel import EXIT_CANCELLED
from .events import EventWriter

PR_SET_PDEATHSIG = 1
FINAL_EVENTS = ("finished", "error")


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Linux: ask the kernel to send `sig` to this process when its parent exits. Elsewhere nothing happens."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except OSError:
        pass


def launch_command(config_path: str, num_processes: int, accelerate_config: str | None) -> list[str]:
    command = [sys.executable, "-m", "accelerate.commands.launch"]
    if accelerate_config:
        command += ["--config_file", accelerate_config]
    command += ["--num_processes", str(num_processes), "-m", "malt_runner", "train", "--config", config_path]
    return command


def _workers(launcher_pid: int) -> list[int]:
    """The training processes under the launcher (not the launcher, nor torchrun's agent inside it)."""
    import psutil

    try:
        children = psutil.Process(launcher_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    pids = []
    for child in children:
        try:
            if "malt_runner" in child.cmdline():
                pids.append(child.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return pids


def _relay(stream: IO[str], events: EventWriter, last: list[str]) -> None:
    for line in stream:
        text = line.strip()
        if not text:
            continue
        try:
            event = json.loads(text)
        except json.JSONDecodeError:
            event = None
        if not isinstance(event, dict) or "type" not in event:
            print(f"[launcher stdout] {text}", file=sys.stderr)
            continue
        events.write_raw(text)
        last[:] = [event["type"], event.get("kind") or ""]


def run_launched(
    config_path: str, num_processes: int, accelerate_config: str | None, events: EventWriter, env: dict | None = None
) -> int:
    """Runs the job under `accelerate launch`; returns this process's exit code (0, 1, or EXIT_CANCELLED)."""
    if num_processes < 1:
        events.error("bad_config", f"--num-processes must be at least 1, got {num_processes}", field=None)
        return 1
    if accelerate_config is not None and not os.path.isfile(accelerate_config):
        events.error("bad_config", f"--accelerate-config: no such file: {accelerate_config}", field=None)
        return 1
    import importlib.util

    if importlib.util.find_spec("accelerate") is None or importlib.util.find_spec("psutil") is None:
        events.error("bad_config", "--launcher accelerate needs the packages accelerate and psutil in the runner's venv", field=None)
        return 1
    child_env = dict(os.environ if env is None else env)
    # The package must be importable from the workers' working directory, whatever it is.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    child_env["PYTHONPATH"] = here + (os.pathsep + child_env["PYTHONPATH"] if child_env.get("PYTHONPATH") else "")
    child_env["PYTHONUNBUFFERED"] = "1"
    child_env["MALT_RUNNER_LAUNCHED"] = "1"  # the training processes then die with their launcher
    launcher = subprocess.Popen(
        launch_command(config_path, num_processes, accelerate_config),
        stdout=subprocess.PIPE,
        stderr=None,  # the job log, shared
        text=True,
        env=child_env,
        preexec_fn=(lambda: die_with_parent(signal.SIGTERM)) if sys.platform.startswith("linux") else None,
    )
    signals = {"count": 0}

    def forward(signum, frame):
        signals["count"] += 1
        for pid in _workers(launcher.pid) or [launcher.pid]:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    last: list[str] = []
    relay = threading.Thread(target=_relay, args=(launcher.stdout, events, last), daemon=True)
    relay.start()
    try:
        code = launcher.wait()
        relay.join()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if code == 0 and (last[:1] == ["finished"] or not last):
        return 0  # nothing relayed at all: the machine of a multi-machine run that does not hold global rank 0
    if last[:1] == ["error"]:
        return EXIT_CANCELLED if last[1] == "cancelled" else 1
    if signals["count"]:
        events.error("cancelled", f"cancelled: the launcher ended (exit code {code}) before a training step finished", step=None)
        return EXIT_CANCELLED
    events.error(
        "internal",
        f"accelerate launch exited with code {code} without a final event (a training process failed; see the log)",
        exception="LauncherFailed",
    )
    return 1
