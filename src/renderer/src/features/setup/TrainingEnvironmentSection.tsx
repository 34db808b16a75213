import type { JSX } from 'react'

/** Filled in with the training runner's environment check. */
export function TrainingEnvironmentSection(): JSX.Element {
  return (
    <section className="card placeholder">
      <h2>Training environment</h2>
      <ul>
        <li>Python, the runner's virtual environment and its pinned packages (PyTorch, transformers, peft, trl, gguf).</li>
        <li>CUDA availability and bf16/fp16 support of the GPU.</li>
        <li>What is missing, and a button to set it up (nothing is installed silently).</li>
      </ul>
    </section>
  )
}
