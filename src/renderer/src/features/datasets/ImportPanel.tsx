import type { FormEvent, JSX } from 'react'
import { useEffect, useState } from 'react'
import type { DatasetFormat, ImportDatasetInput } from '@shared/api/schemas/datasets'
import { datasetFormatSchema } from '@shared/api/schemas/datasets'
import { readFileAsBase64 } from '../../api/workbench'
import { ErrorMessage } from '../../components/ErrorMessage'
import { formatBytes, formatCount } from '../../format'
import { useDatasetsStore } from '../../stores/useDatasetsStore'

const formatLabels: Record<DatasetFormat, string> = {
  gsm8k: 'GSM8K (question, answer with #### n)',
  math: 'MATH / MATH500 (problem, solution, answer)',
  csqa: 'CommonsenseQA (question.stem, choices, answerKey)',
  'gsm-symbolic': 'GSM-Symbolic (generated or templates)',
  jsonl: 'Generic JSONL with a field mapping'
}

/** Import from a file on this computer or from the workbench's data folder, all lines or none by default. */
export function ImportPanel(props: { onDone(): void }): JSX.Element {
  const { dataFolder, loadDataFolder, importDataset, importing, lastReport, importError, clearImportResult } = useDatasetsStore()
  const [source, setSource] = useState<'upload' | 'dataFolder'>('upload')
  const [file, setFile] = useState<File | null>(null)
  const [relativePath, setRelativePath] = useState('')
  const [format, setFormat] = useState<DatasetFormat>('gsm8k')
  const [name, setName] = useState('')
  const [split, setSplit] = useState('')
  const [skipBadLines, setSkipBadLines] = useState(false)
  const [mapping, setMapping] = useState({ question: 'question', answer: 'answer', choices: '', id: '' })

  useEffect(() => {
    void loadDataFolder()
    return () => clearImportResult()
  }, [loadDataFolder, clearImportResult])

  const pickDataFolderEntry = (path: string) => {
    setRelativePath(path)
    const entry = dataFolder.entries.find((candidate) => candidate.relativePath === path)
    if (entry) {
      setFormat(entry.suggestedFormat)
      setName(entry.suggestedName)
      setSplit(entry.suggestedSplit)
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    let inputSource: ImportDatasetInput['source']
    if (source === 'upload') {
      if (!file) return
      inputSource = { kind: 'upload', fileName: file.name, contentBase64: await readFileAsBase64(file) }
    } else {
      if (!relativePath) return
      inputSource = { kind: 'dataFolder', relativePath }
    }
    const report = await importDataset({
      name: name.trim(),
      format,
      source: inputSource,
      skipBadLines,
      ...(split.trim() ? { split: split.trim() } : {}),
      ...(format === 'jsonl'
        ? {
            mapping: {
              question: mapping.question,
              answer: mapping.answer,
              ...(mapping.choices ? { choices: mapping.choices } : {}),
              ...(mapping.id ? { id: mapping.id } : {})
            }
          }
        : {})
    })
    if (report) props.onDone()
  }

  return (
    <section className="card import-panel" aria-label="Import dataset">
      <form onSubmit={(event) => void submit(event)}>
        <div className="form-row">
          <label>
            <input type="radio" name="source" checked={source === 'upload'} onChange={() => setSource('upload')} /> File on this computer
          </label>
          <label>
            <input type="radio" name="source" checked={source === 'dataFolder'} onChange={() => setSource('dataFolder')} /> Data folder
            {dataFolder.root && <span className="muted"> ({dataFolder.root})</span>}
          </label>
        </div>
        {source === 'upload' ? (
          <label className="field">
            <span>JSONL file</span>
            <input
              type="file"
              accept=".jsonl,.json,.txt"
              data-testid="import-file"
              onChange={(event) => {
                const picked = event.target.files?.[0] ?? null
                setFile(picked)
                if (picked && !name) setName(picked.name.replace(/\.jsonl?$/, ''))
              }}
            />
          </label>
        ) : (
          <label className="field">
            <span>File</span>
            <select value={relativePath} onChange={(event) => pickDataFolderEntry(event.target.value)} data-testid="import-data-folder">
              <option value="">choose…</option>
              {dataFolder.entries.map((entry) => (
                <option key={entry.relativePath} value={entry.relativePath}>
                  {entry.relativePath} ({formatBytes(entry.sizeBytes)})
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="form-grid">
          <label className="field">
            <span>Format</span>
            <select value={format} onChange={(event) => setFormat(event.target.value as DatasetFormat)} data-testid="import-format">
              {datasetFormatSchema.options.map((option) => (
                <option key={option} value={option}>
                  {formatLabels[option]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Dataset name</span>
            <input value={name} onChange={(event) => setName(event.target.value)} required data-testid="import-name" />
          </label>
          <label className="field">
            <span>Split</span>
            <input value={split} onChange={(event) => setSplit(event.target.value)} placeholder="from file name" />
          </label>
        </div>
        {format === 'jsonl' && (
          <div className="form-grid">
            {(['question', 'answer', 'choices', 'id'] as const).map((key) => (
              <label className="field" key={key}>
                <span>
                  {key} field{key === 'choices' || key === 'id' ? ' (optional)' : ''}
                </span>
                <input value={mapping[key]} onChange={(event) => setMapping({ ...mapping, [key]: event.target.value })} />
              </label>
            ))}
          </div>
        )}
        <div className="form-row">
          <label>
            <input type="checkbox" checked={skipBadLines} onChange={(event) => setSkipBadLines(event.target.checked)} /> Skip bad lines
            (otherwise a bad line imports nothing)
          </label>
          <span className="spacer" />
          <button type="submit" className="primary" disabled={importing} data-testid="import-submit">
            {importing ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {importError && <ErrorMessage error={importError} title="Import failed" />}
      {lastReport && (
        <div className="success-box" role="status" data-testid="import-report">
          {lastReport.alreadyImported ? 'Already imported' : 'Imported'} {lastReport.fileName} into{' '}
          <strong>
            {lastReport.name}/{lastReport.split}
          </strong>
          : {formatCount(lastReport.added)} added, {formatCount(lastReport.unchanged)} unchanged, {formatCount(lastReport.skipped)}{' '}
          skipped.
          {lastReport.problems.length > 0 && (
            <ul className="mono">
              {lastReport.problems.map((problem) => (
                <li key={problem.line}>
                  line {problem.line}
                  {problem.field ? ` field '${problem.field}'` : ''}: {problem.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  )
}
