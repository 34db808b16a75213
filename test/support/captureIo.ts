import { PassThrough } from 'node:stream'
import type { CliIo } from '../../src/main/cli/CliIo'

/** A CliIo that records what a command printed, for running the CLI in-process. */
export function captureIo(): CliIo & { outText(): string; errText(): string } {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return {
    stdout,
    stderr,
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    interactive: false,
    outText: () => out,
    errText: () => err
  }
}
