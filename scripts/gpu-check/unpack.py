"""Unpacks what scripts/gpu-check-pack.mjs packed, with Python's standard library only (the GPU machine may lack xz).

    python unpack.py node --pack PACK --dest DIR       # DIR/bin/node and DIR/include/node/*.h
    python unpack.py tar --archive X.tar.xz --dest DIR
    python unpack.py wheels --wheels DIR --target SITE  # installs the wheels whose exact version is not importable

Each command prints one line `RESULT {json}`.
"""
from __future__ import annotations

import argparse
import importlib.metadata as metadata
import json
import lzma
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
from pathlib import Path


def unpack_node(pack: Path, dest: Path) -> dict:
    binary = dest / "bin" / "node"
    binary.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(pack / "node" / "node.xz") as src, open(binary, "wb") as out:
        shutil.copyfileobj(src, out, length=1 << 22)
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    headers = dest / "include" / "node"
    shutil.copytree(pack / "node" / "include", headers, dirs_exist_ok=True)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {"node": str(binary), "version": version, "bytes": binary.stat().st_size, "headers": str(headers)}


def unpack_tar(archive: Path, dest: Path) -> dict:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:xz") as tar:
        members = tar.getmembers()
        if hasattr(tarfile, "data_filter"):  # Python >= 3.12 (and late 3.10/3.11): refuses paths leaving dest
            tar.extractall(dest, members=members, filter="data")
        else:
            for member in members:
                target = (dest / member.name).resolve()
                if not str(target).startswith(str(dest.resolve()) + os.sep):
                    raise SystemExit(f"{archive}: member {member.name!r} would land outside {dest}")
            tar.extractall(dest, members=members)
    return {"archive": archive.name, "files": len(members), "dest": str(dest)}


_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9_.]+?)-(?P<version>[^-]+)-")


def install_wheels(wheels: Path, target: Path) -> dict:
    """pip --no-index --no-deps --target for each wheel whose exact version this Python does not already import."""
    needed: list[Path] = []
    present: list[str] = []
    for wheel in sorted(wheels.glob("*.whl")):
        m = _WHEEL.match(wheel.name)
        if not m:
            raise SystemExit(f"{wheel}: not a wheel file name (NAME-VERSION-...whl)")
        name, version = m["name"], m["version"]
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is not None and installed.split("+", 1)[0] == version:
            present.append(f"{name}=={version}")
        else:
            needed.append(wheel)
    if needed:
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile",
             "--no-cache-dir", "--upgrade", "--disable-pip-version-check", "--target", str(target), *map(str, needed)],
            check=True,
        )
    return {"installed": [w.name for w in needed], "already_present": present, "target": str(target),
            "imports": check_imports(target)}


def check_imports(target: Path) -> dict:
    """Imports what the runner needs in a fresh interpreter with `target` first on the path, as the runner will."""
    code = (
        "import json, importlib.metadata as m\n"
        "import torch, transformers, trl, peft, datasets, gguf, accelerate\n"
        "names = ['torch', 'transformers', 'trl', 'peft', 'datasets', 'gguf', 'accelerate', 'tokenizers', 'pyarrow']\n"
        "print(json.dumps({**{n: m.version(n) for n in names}, 'cuda': torch.cuda.is_available()}))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"the runner's packages do not import:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    n = sub.add_parser("node")
    n.add_argument("--pack", type=Path, required=True)
    n.add_argument("--dest", type=Path, required=True)
    t = sub.add_parser("tar")
    t.add_argument("--archive", type=Path, required=True)
    t.add_argument("--dest", type=Path, required=True)
    w = sub.add_parser("wheels")
    w.add_argument("--wheels", type=Path, required=True)
    w.add_argument("--target", type=Path, required=True)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.command == "node":
        result = unpack_node(args.pack, args.dest)
    elif args.command == "tar":
        result = unpack_tar(args.archive, args.dest)
    else:
        result = install_wheels(args.wheels, args.target)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
