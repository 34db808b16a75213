import { AppError } from '@shared/errors'
import { inspectGgufFile } from './inspectGgufFile'
import type { LoadedModel } from './LoadedModel'

export interface LoraAdapter {
  /** A LoRA GGUF (`general.type = "adapter"`, as `convert_lora_to_gguf.py` writes it). */
  filePath: string
  /**
   * Multiplies the adapter's effect (llama.cpp applies alpha / rank × scale); 0 gives the base model's output.
   * Defaults to `1`.
   */
  scale?: number
}

/**
 * Refuses, with an `adapter_mismatch` AppError naming the file, a LoRA made for another base model: another
 * architecture, a tensor the model does not have, or a tensor whose shape does not fit (another model size of the
 * same architecture). llama.cpp checks the same things but reports only "Failed to initialize LoRA adapter".
 *
 * GGUF stores shapes in ggml order: a base weight is [n_in, n_out], `lora_a` is [n_in, rank] and `lora_b` is
 * [rank, n_out] (src/llama-adapter.cpp).
 */
export async function checkLoraAdapter(base: LoadedModel, adapter: LoraAdapter): Promise<void> {
  const file = adapter.filePath
  const mismatch = (why: string) => new AppError('adapter_mismatch', `LoRA adapter ${file} does not fit ${base.describe().fileName}: ${why}`, { file })
  if (adapter.scale !== undefined && !Number.isFinite(adapter.scale)) {
    throw new AppError('invalid_input', `the scale of LoRA adapter ${file} must be a finite number, got ${adapter.scale}`, { file, field: 'scale' })
  }

  const { info } = await inspectGgufFile(file, { llama: base.model.llama, kind: 'adapter' })
  const metadata = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>
  const general = metadata.general ?? {}
  if (general.type !== 'adapter') {
    throw new AppError('adapter_mismatch', `${file} is not a LoRA adapter (general.type is ${JSON.stringify(general.type ?? null)})`, { file })
  }
  const adapterType = (metadata.adapter as { type?: unknown } | undefined)?.type
  if (adapterType !== 'lora') throw mismatch(`it is a ${JSON.stringify(adapterType ?? null)} adapter, not a LoRA`)

  const baseArchitecture = String(base.model.fileInfo.metadata.general?.architecture)
  if (general.architecture !== baseArchitecture) {
    throw mismatch(`it was made for architecture '${String(general.architecture)}', the model is '${baseArchitecture}'`)
  }

  const baseShapes = new Map((base.model.fileInfo.tensorInfo ?? []).map((tensor) => [tensor.name, tensor.dimensions.map(Number)]))
  const pairs = new Map<string, { a?: number[]; b?: number[] }>()
  for (const tensor of info.tensorInfo ?? []) {
    const match = /^(.*)\.lora_([ab])$/.exec(tensor.name)
    if (!match) continue
    const entry = pairs.get(match[1]!) ?? {}
    entry[match[2] as 'a' | 'b'] = tensor.dimensions.map(Number)
    pairs.set(match[1]!, entry)
  }
  if (pairs.size === 0) throw mismatch('it has no lora_a/lora_b tensors')
  for (const [name, { a, b }] of pairs) {
    if (!a || !b) throw mismatch(`tensor ${name} has only one of lora_a and lora_b`)
    const weight = baseShapes.get(name)
    if (!weight) throw mismatch(`it adapts tensor ${name}, which the model does not have`)
    const [nIn, nOut] = weight
    const fits = a.length === 2 && b.length === 2 && a[0] === nIn && b[1] === nOut && a[1] === b[0]
    if (!fits) {
      throw mismatch(
        `tensor ${name} is [${weight.join(', ')}] in the model, but the adapter's lora_a is [${a.join(', ')}] ` +
          `and lora_b is [${b.join(', ')}] (expected [${nIn}, rank] and [rank, ${nOut}])`
      )
    }
  }
}
