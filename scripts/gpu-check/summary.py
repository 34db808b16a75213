"""Step records and the one summary table of scripts/gpu-check.sh (standard library only).

    python summary.py record --results DIR --step NAME --status ok|failed|timeout|skipped --seconds S --limit L
                             [--log FILE] [--note TEXT]
    python summary.py get --results DIR --step NAME --key a.b     # prints one value of a step's result, or nothing
    python summary.py table --results DIR [--total-seconds S] [--target-seconds S] [--out DIR]

A step's result is the last line of its log that reads `RESULT {json}` or is a bare JSON object (the benches end
that way). A failed step keeps the end of its log, so one table says what broke without hiding the other steps.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ORDER = ["gpu", "unpack", "python-env", "model", "build", "train", "install-build", "agents", "tree", "adapter"]


def result_of(log: Path) -> Any:
    if not log.exists():
        return None
    for line in reversed(log.read_text(errors="replace").splitlines()):
        text = line.strip()
        if text.startswith("RESULT "):
            text = text[len("RESULT "):]
        if text.startswith("{") and text.endswith("}"):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                continue
    return None


def record(results: Path, step: str, status: str, seconds: float, limit: float, log: Path | None, note: str | None) -> None:
    results.mkdir(parents=True, exist_ok=True)
    entry: dict[str, Any] = {"step": step, "status": status, "seconds": round(seconds, 1), "limit": limit, "note": note}
    if log is not None:
        entry["log"] = str(log)
        entry["result"] = result_of(log)
        if status != "ok" and log.exists():
            entry["tail"] = log.read_text(errors="replace").splitlines()[-12:]
    (results / f"{step}.json").write_text(json.dumps(entry, indent=1))


def load(results: Path) -> dict[str, dict]:
    steps = {}
    for file in results.glob("*.json"):
        entry = json.loads(file.read_text())
        steps[entry["step"]] = entry
    return steps


def dig(value: Any, key: str) -> Any:
    for part in key.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _num(value: Any, digits: int = 0) -> str:
    return "—" if not isinstance(value, (int, float)) else f"{value:,.{digits}f}"


def describe(step: str, r: Any) -> str:
    """What a step measured, in one line."""
    if not isinstance(r, dict):
        return ""
    if step == "gpu":
        return f"{r.get('name')} · {_num(r.get('memory_mib'))} MiB · driver {r.get('driver')}"
    if step == "unpack":
        return f"Node.js {r.get('version')}"
    if step == "python-env":
        imports = r.get("imports") or {}
        versions = ", ".join(f"{name} {imports[name]}" for name in ("torch", "transformers", "trl", "peft") if name in imports)
        return (f"installed {len(r.get('installed', []))} wheels, {len(r.get('already_present', []))} already there; "
                f"{versions}; CUDA {'yes' if imports.get('cuda') else 'no'}")
    if step == "model":
        return (f"random llama {r.get('shape')}: {_num((r.get('parameters') or 0) / 1e9, 2)}B parameters, "
                f"{_num((r.get('bytes') or 0) / 2**30, 1)} GiB, drawn on {r.get('drawn_on')}")
    if step == "build":
        return f"{r.get('targets')} · {r.get('cuda_architectures')}"
    if step == "install-build":
        backend = r.get("backend") or {}
        gpu = backend.get("gpu")
        where = f"{str(gpu).upper()} {', '.join(backend.get('gpuDeviceNames') or [])}" if gpu else "CPU"
        vram = r.get("vramTotalBytes")
        auto = r.get("autoPicks") or {}
        return (f"{r.get('buildType')} {r.get('folder')} → {where}" + (f", {_num(vram / 2**30, 0)} GiB VRAM" if vram else "")
                + f"; the app's 'auto' setting picks {str(auto.get('gpu') or 'the CPU').upper()} ({auto.get('buildType')})")
    if step == "train":
        parts = []
        for job in r.get("jobs", []):
            parts.append(f"{job['stage'].upper()} {_num(job.get('tokensPerSecond'))} tok/s ({job.get('steps')} steps, "
                         f"load {_num(job.get('loadSeconds'), 1)} s, {job.get('device')} {job.get('dtype')})")
        return "; ".join(parts)
    if step == "agents":
        rows = r.get("rows", [])
        cells = []
        for row in rows:
            ref = row.get("batchedBench")
            cells.append(f"{row['sequences']} seq {_num(row['agents']['tokensPerSecond'])} tok/s"
                         + (f" ({_num(row.get('ratioToBatchedBench'), 2)}× batched-bench {_num(ref)})" if ref else ""))
        return "; ".join(cells)
    if step == "tree":
        text = (f"tree {_num(r.get('tree_tps'))} tok/s, ceiling {_num(r.get('ceiling_tps'))}, "
                f"naive {_num(r.get('naive_tps'))}")
        ref = r.get("batched_bench_tps")
        if isinstance(ref, (int, float)) and ref > 0:
            text += f", llama-batched-bench {_num(ref)} at {r.get('sequences')} seqs → {r['tree_tps'] / ref:.2f} (target ≥ 0.8)"
        return text
    if step == "adapter":
        backend = r.get("backend") or {}
        return (f"LoRA loaded on {str(backend.get('gpu') or 'cpu').upper()}, {r.get('gpuLayers')}/{r.get('totalLayers')} layers; "
                f"{_num(r.get('adapterTokensPerSecond'))} tok/s; output differs from base: {r.get('differsFromBase')}")
    return ""


def table(results: Path, total_seconds: float | None, target_seconds: float | None, out: Path | None) -> int:
    steps = load(results)
    names = [name for name in ORDER if name in steps] + sorted(set(steps) - set(ORDER))
    rows = []
    for name in names:
        entry = steps[name]
        what = entry.get("note") or ""
        measured = describe(name, entry.get("result"))
        if measured:
            what = f"{measured}{' · ' + what if what else ''}"
        if entry["status"] != "ok" and entry.get("tail"):
            last = next((line for line in reversed(entry["tail"]) if line.strip()), "")
            what = f"{what + ' · ' if what else ''}{last.strip()[:160]}"
        rows.append((name, entry["status"], f"{entry['seconds']:.0f}/{entry['limit']:.0f}", what))

    header = ("step", "status", "s/limit", "what it measured")
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(3)] if rows else [4, 6, 7]
    lines = ["| " + " | ".join(header[i].ljust(widths[i]) if i < 3 else header[i] for i in range(4)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|---|"]
    for row in rows:
        lines.append("| " + " | ".join(row[i].ljust(widths[i]) if i < 3 else row[i] for i in range(4)) + " |")
    failed = [name for name in names if steps[name]["status"] in ("failed", "timeout")]
    if total_seconds is not None:
        budget = ""
        if target_seconds is not None:
            budget = f" ({'within' if total_seconds <= target_seconds else 'OVER'} the {target_seconds:.0f} s budget)"
        lines.append("")
        lines.append(f"total {total_seconds:.0f} s{budget}; "
                     + (f"{len(failed)} step(s) failed: {', '.join(failed)}" if failed else "every step that ran succeeded"))
    text = "\n".join(lines)
    print(text)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.md").write_text(text + "\n")
        (out / "summary.json").write_text(json.dumps({"total_seconds": total_seconds, "steps": steps}, indent=1))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record")
    r.add_argument("--results", type=Path, required=True)
    r.add_argument("--step", required=True)
    r.add_argument("--status", choices=["ok", "failed", "timeout", "skipped"], required=True)
    r.add_argument("--seconds", type=float, default=0.0)
    r.add_argument("--limit", type=float, default=0.0)
    r.add_argument("--log", type=Path)
    r.add_argument("--note")
    g = sub.add_parser("get")
    g.add_argument("--results", type=Path, required=True)
    g.add_argument("--step", required=True)
    g.add_argument("--key", required=True)
    t = sub.add_parser("table")
    t.add_argument("--results", type=Path, required=True)
    t.add_argument("--total-seconds", type=float)
    t.add_argument("--target-seconds", type=float, help="the time budget to compare the total with")
    t.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    if args.command == "record":
        record(args.results, args.step, args.status, args.seconds, args.limit, args.log, args.note)
        return 0
    if args.command == "get":
        entry = load(args.results).get(args.step)
        value = dig(entry.get("result"), args.key) if entry and entry["status"] == "ok" else None
        if value is not None:
            print(value if not isinstance(value, (dict, list)) else json.dumps(value))
        return 0
    return table(args.results, args.total_seconds, args.target_seconds, args.out)


if __name__ == "__main__":
    sys.exit(main())
