"""A fast reader for a GGUF file's header: metadata and tensor shapes, no tensor data.

gguf-py's `GGUFReader` builds a numpy view per array element, which takes seconds on a real tokenizer (~100k
vocabulary and merge strings). The export only needs the architecture, head counts and tensor shapes, so this reads
the header with `struct` and skips string arrays. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

_SCALARS = {  # GGUF value type -> struct format
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d",
}
_STRING, _ARRAY = 8, 9
_SKIPPED = object()


@dataclass
class GGUFHeader:
    path: str
    version: int
    metadata: dict[str, Any] = field(default_factory=dict)  # string arrays are left out (their length is kept)
    array_lengths: dict[str, int] = field(default_factory=dict)
    tensor_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # numpy order, e.g. (n_out, n_in)
    tensor_types: dict[str, int] = field(default_factory=dict)  # ggml type (0 = F32, 1 = F16, ...)
    tensor_offsets: dict[str, int] = field(default_factory=dict)  # absolute byte offset of each tensor's data

    @property
    def architecture(self) -> str:
        return str(self.metadata["general.architecture"])

    def arch_value(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(f"{self.architecture}.{key}", default)


class _Reader:
    def __init__(self, handle: BinaryIO):
        self.h = handle

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        data = self.h.read(size)
        if len(data) != size:
            raise ValueError("unexpected end of file in the GGUF header")
        return struct.unpack(fmt, data)[0]

    def string(self) -> str:
        n = self.unpack("<Q")
        return self.h.read(n).decode("utf-8", errors="replace")

    def value(self, vtype: int, keep_strings: bool = True) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            if keep_strings:
                return self.string()
            self.h.seek(self.unpack("<Q"), 1)
            return _SKIPPED
        if vtype == _ARRAY:
            etype, count = self.unpack("<I"), self.unpack("<Q")
            if etype in _SCALARS:
                size = struct.calcsize(_SCALARS[etype])
                data = self.h.read(size * count)
                return list(struct.unpack(f"<{count}{_SCALARS[etype][1]}", data)) if count <= 4096 else _SKIPPED
            for _ in range(count):  # string (or nested) arrays: the tokenizer's vocabulary and merges; skip them
                self.value(etype, keep_strings=False)
            return _SKIPPED
        raise ValueError(f"unknown GGUF value type {vtype}")


def read_gguf_header(path: str | Path) -> GGUFHeader:
    with open(path, "rb") as handle:
        r = _Reader(handle)
        if handle.read(4) != b"GGUF":
            raise ValueError(f"{path}: not a GGUF file (bad magic)")
        header = GGUFHeader(path=str(path), version=r.unpack("<I"))
        n_tensors, n_kv = r.unpack("<Q"), r.unpack("<Q")
        for _ in range(n_kv):
            key = r.string()
            vtype = r.unpack("<I")
            if vtype == _ARRAY:
                pos = handle.tell()
                etype, count = r.unpack("<I"), r.unpack("<Q")
                header.array_lengths[key] = count
                handle.seek(pos)
            value = r.value(vtype)
            if value is not _SKIPPED:
                header.metadata[key] = value
        for _ in range(n_tensors):
            name = r.string()
            n_dims = r.unpack("<I")
            dims = [r.unpack("<Q") for _ in range(n_dims)]
            header.tensor_types[name] = r.unpack("<I")
            header.tensor_offsets[name] = r.unpack("<Q")  # relative to the data section, fixed up below
            header.tensor_shapes[name] = tuple(reversed(dims))
        alignment = int(header.metadata.get("general.alignment", 32))
        data_start = -(-handle.tell() // alignment) * alignment
        header.tensor_offsets = {k: data_start + v for k, v in header.tensor_offsets.items()}
    return header


def read_f32_tensor(header: GGUFHeader, name: str):
    """An F32 tensor as a numpy array in numpy order (memory-mapped, read-only)."""
    import numpy as np

    if header.tensor_types[name] != 0:
        raise ValueError(f"{name} is ggml type {header.tensor_types[name]}, not F32")
    shape = header.tensor_shapes[name]
    return np.memmap(header.path, dtype=np.float32, mode="r", offset=header.tensor_offsets[name], shape=shape)
