/**
 * How much GPU memory a LoRA training job of the runner needs, estimated from the model's size and the job's settings,
 * so the training form can warn before a job dies of "CUDA out of memory" minutes in. Pure: the renderer and the
 * services share it.
 *
 * The model, as the runner trains it on CUDA: base weights in bf16/fp16 (2 bytes each), LoRA weights in fp32 with
 * their gradients and AdamW's two moments (16 bytes per trainable parameter), activations in 16-bit, and logits over
 * the whole vocabulary, upcast to fp32 for the loss and its gradient. Per token and layer, a llama block keeps about
 * 16 hidden-size and 5 feed-forward-size values for backward (the inputs of its 7 projections, their LoRA dropout
 * copies, q/k/v, the gate and up outputs; attention is fused, so nothing grows with the square of the length). With
 * gradient checkpointing only each layer's input is kept, and one layer's full set lives during its recomputation.
 * DPO runs chosen and rejected together: twice the sequences. Checked against two jobs measured on an H200
 * (shared/notes/GPU.md): SmolLM2-1.7B's shape, batch 8 × 512, r 16, checkpointing: 6.6 GB measured with about
 * 230-token examples, 8.3 GB estimated (the estimate takes every example as long as the maximum); Llama-3.1-8B's
 * shape, batch 4 × 2048, no checkpointing: 107 GB measured, 102 GB estimated.
 */

export interface TrainingMemoryModel {
  /** All parameters of the base model. */
  parameterCount: number
  layerCount: number
  /** Hidden size. */
  embeddingLength: number
  vocabularySize: number
}

export interface TrainingMemoryJob {
  stage: 'sft' | 'dpo'
  /** Examples per forward pass. */
  batchSize: number
  /** Tokens per example at most (prompt + completion). */
  maxLength: number
  rank: number
  /** How many of the 7 llama projections carry LoRA. Defaults to `7`. */
  targetModuleCount?: number
  gradientCheckpointing: boolean
}

export interface TrainingMemoryEstimate {
  totalBytes: number
  weightsBytes: number
  loraBytes: number
  activationsBytes: number
  logitsBytes: number
  /** The CUDA context, cuBLAS workspaces and the allocator's slack. */
  overheadBytes: number
}

const bytes16 = 2
/** fp32 weight + fp32 gradient + AdamW's two fp32 moments. */
const bytesPerTrainable = 16
/** bf16 logits, their fp32 copy for the loss, and the fp32 gradient. */
const bytesPerLogit = 2 + 4 + 4
const contextOverheadBytes = 1024 ** 3
const allocatorSlack = 0.08

export function estimateTrainingMemory(model: TrainingMemoryModel, job: TrainingMemoryJob): TrainingMemoryEstimate {
  for (const [name, value] of Object.entries({ ...model, batchSize: job.batchSize, maxLength: job.maxLength, rank: job.rank })) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`estimateTrainingMemory: ${name} must be a positive number, got ${value}`)
  }
  const d = model.embeddingLength
  const layers = model.layerCount
  // The feed-forward width, from what is left per layer once the embeddings and 4 attention matrices are counted.
  const perLayer = Math.max(0, model.parameterCount - 2 * model.vocabularySize * d) / layers
  const ff = Math.max(d, (perLayer - 4 * d * d) / (3 * d))

  // LoRA: r × (in + out) per adapted projection; q, k, v, o are about d → d, gate and up d → ff, down ff → d.
  const projections = [2 * d, 2 * d, 2 * d, 2 * d, d + ff, d + ff, ff + d]
  const adapted = projections.slice(0, Math.min(7, Math.max(1, job.targetModuleCount ?? 7)))
  const loraParameters = layers * job.rank * adapted.reduce((sum, width) => sum + width, 0)

  const sequences = job.batchSize * (job.stage === 'dpo' ? 2 : 1)
  const tokens = sequences * job.maxLength
  const perLayerActivation = tokens * (16 * d + 5 * ff) * bytes16
  const activationsBytes = job.gradientCheckpointing ? layers * tokens * d * bytes16 + perLayerActivation : layers * perLayerActivation

  const weightsBytes = model.parameterCount * bytes16
  const loraBytes = loraParameters * bytesPerTrainable
  const logitsBytes = tokens * model.vocabularySize * bytesPerLogit
  const working = weightsBytes + loraBytes + activationsBytes + logitsBytes
  const overheadBytes = contextOverheadBytes + working * allocatorSlack
  return {
    totalBytes: Math.round(working + overheadBytes),
    weightsBytes,
    loraBytes,
    activationsBytes,
    logitsBytes,
    overheadBytes: Math.round(overheadBytes)
  }
}
