import type { JSX } from 'react'
import { useEffect, useState } from 'react'
import { workbench } from '../../api/workbench'
import type { Role } from '../../stores/usePlaygroundStore'
import { usePlaygroundStore } from '../../stores/usePlaygroundStore'

const roleTitles: Record<Role, string> = { generator: 'Generator', verifier: 'Verifier', refiner: 'Refiner' }
const roleHints: Record<Role, string> = {
  generator: '{{question}}',
  verifier: '{{question}} {{generation}}',
  refiner: '{{question}} {{generation}} {{verification}}'
}

/** One role's prompt: system and user text with {{placeholders}}, its stored versions, and live validation. */
export function TemplateEditor(props: { role: Role }): JSX.Element {
  const { role } = props
  const { benchmark, templates, versions, editTemplate, useVersion, saveTemplate } = usePlaygroundStore()
  const draft = templates[role]
  const own = versions.filter((version) => version.role === role)
  const [issues, setIssues] = useState<string[]>([])

  useEffect(() => {
    const handle = setTimeout(() => {
      void workbench.prompts
        .validate({ benchmark, role, system: draft.system, user: draft.user })
        .then((found) => setIssues(found.map((issue) => issue.message)))
        .catch(() => setIssues([]))
    }, 250)
    return () => clearTimeout(handle)
  }, [benchmark, role, draft.system, draft.user])

  const current = own.find((version) => version.id === draft.baseVersionId)
  return (
    <div className={`template-editor role-${role}`} aria-label={`${roleTitles[role]} prompt`}>
      <div className="toolbar">
        <strong>{roleTitles[role]}</strong>
        <select
          aria-label={`${roleTitles[role]} version`}
          value={draft.baseVersionId ?? ''}
          onChange={(event) => {
            const record = own.find((version) => version.id === Number(event.target.value))
            if (record) useVersion(record)
          }}
        >
          {draft.baseVersionId === null && <option value="">edited (unsaved)</option>}
          {own.map((version) => (
            <option key={version.id} value={version.id}>
              v{version.version}
              {version.note ? ` · ${version.note}` : ''}
            </option>
          ))}
        </select>
        <button type="button" disabled={draft.baseVersionId !== null || issues.length > 0} onClick={() => void saveTemplate(role)}>
          Save as v{(own[0]?.version ?? 0) + 1}
        </button>
        <span className="muted mono">{roleHints[role]}</span>
      </div>
      <label className="field">
        <span>System</span>
        <textarea rows={2} value={draft.system} onChange={(event) => editTemplate(role, { system: event.target.value })} />
      </label>
      <label className="field">
        <span>User</span>
        <textarea rows={5} value={draft.user} onChange={(event) => editTemplate(role, { user: event.target.value })} data-testid={`template-${role}-user`} />
      </label>
      {issues.length > 0 && (
        <ul className="issues" role="alert">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
      {current && <span className="muted">Saved version v{current.version}; runs record the versions they use.</span>}
    </div>
  )
}
