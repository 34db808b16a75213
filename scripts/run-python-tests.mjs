#!/usr/bin/env node
/** Runs the Python runner's pytest suite in its venv; a missing venv is a failure that says how to create it. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const venv = process.env.MALT_PYTHON_VENV ? resolve(process.env.MALT_PYTHON_VENV) : join(root, 'resources', 'python', '.venv')
const python = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python')
if (!existsSync(python)) {
  console.error(`test:python: no Python environment at ${venv}; run npm run setup:python (or npm test, which prepares it)`)
  process.exit(1)
}
const result = spawnSync(python, ['-m', 'pytest', join(root, 'resources', 'python', 'tests'), '-q', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' }
})
process.exit(result.status ?? 1)
