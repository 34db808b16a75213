import { writeFileSync } from 'node:fs'

/**
 * Writes a small GGUF (version 3) file: metadata plus F32 tensors. Enough to make adapters with wrong shapes and
 * models of unknown architectures for the error-path tests, without Python.
 */
export interface GgufTensorSpec {
  name: string
  /** In ggml order (fastest-varying first): a weight of numpy shape (out, in) is [in, out]. */
  dims: number[]
}

export type GgufMetadataValue = string | number | { f32: number }

const alignment = 32
const typeUint32 = 4
const typeFloat32 = 6
const typeString = 8
const ggmlTypeF32 = 0

/** `value(i)` fills each tensor's i-th float; the default is a small repeating pattern. */
export function writeGgufFile(
  path: string,
  metadata: Record<string, GgufMetadataValue>,
  tensors: GgufTensorSpec[],
  value: (index: number) => number = (index) => ((index % 7) - 3) * 0.01
): void {
  const parts: Buffer[] = []
  const u32 = (value: number) => {
    const buffer = Buffer.alloc(4)
    buffer.writeUInt32LE(value)
    parts.push(buffer)
  }
  const u64 = (value: number) => {
    const buffer = Buffer.alloc(8)
    buffer.writeBigUInt64LE(BigInt(value))
    parts.push(buffer)
  }
  const string = (value: string) => {
    const bytes = Buffer.from(value, 'utf8')
    u64(bytes.length)
    parts.push(bytes)
  }

  parts.push(Buffer.from('GGUF', 'latin1'))
  u32(3)
  u64(tensors.length)
  u64(Object.keys(metadata).length)
  for (const [key, value] of Object.entries(metadata)) {
    string(key)
    if (typeof value === 'string') {
      u32(typeString)
      string(value)
    } else if (typeof value === 'number') {
      u32(typeUint32)
      u32(value)
    } else {
      u32(typeFloat32)
      const buffer = Buffer.alloc(4)
      buffer.writeFloatLE(value.f32)
      parts.push(buffer)
    }
  }

  let offset = 0
  const data: Buffer[] = []
  for (const tensor of tensors) {
    string(tensor.name)
    u32(tensor.dims.length)
    for (const dim of tensor.dims) u64(dim)
    u32(ggmlTypeF32)
    u64(offset)
    const bytes = tensor.dims.reduce((product, dim) => product * dim, 1) * 4
    const values = Buffer.alloc(bytes)
    for (let i = 0; i < bytes / 4; i++) values.writeFloatLE(value(i), i * 4)
    const padded = Math.ceil(bytes / alignment) * alignment
    data.push(values, Buffer.alloc(padded - bytes))
    offset += padded
  }
  const header = Buffer.concat(parts)
  const headerPadding = Buffer.alloc(Math.ceil(header.length / alignment) * alignment - header.length)
  writeFileSync(path, Buffer.concat([header, headerPadding, ...data]))
}
