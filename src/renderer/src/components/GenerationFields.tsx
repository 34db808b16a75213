import type { JSX } from 'react'

// The generation fields that the new-run and new-evaluation forms share, labelled and bounded alike in both.

/** Values stay strings as typed; each form parses them on submit. */
interface TextFieldProps {
  value: string
  onChange(value: string): void
}

export function TemperatureField(props: TextFieldProps): JSX.Element {
  return (
    <label className="field">
      <span>Temperature (paper: 0.3)</span>
      <input type="number" min={0} max={2} step={0.05} required value={props.value} onChange={(event) => props.onChange(event.target.value)} />
    </label>
  )
}

export function MaxTokensField(props: TextFieldProps & { testId: string }): JSX.Element {
  return (
    <label className="field">
      <span>Max tokens per output</span>
      <input type="number" min={1} required value={props.value} onChange={(event) => props.onChange(event.target.value)} data-testid={props.testId} />
    </label>
  )
}

/** The GGUF to generate with; empty leaves the choice to the model chosen in Setup. */
export function ModelPathField(props: TextFieldProps & { testId: string }): JSX.Element {
  return (
    <label className="field">
      <span>Model (GGUF path or endpoint:NAME; empty: the one chosen in Setup)</span>
      <input className="mono" value={props.value} onChange={(event) => props.onChange(event.target.value)} placeholder=".models/SmolLM2-135M-Instruct.Q4_1.gguf" data-testid={props.testId} />
    </label>
  )
}
