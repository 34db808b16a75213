import type { Writable } from 'node:stream'

/** Where a CLI command writes. Commands never touch process.stdout directly, so tests can capture them. */
export interface CliIo {
  readonly stdout: Writable
  readonly stderr: Writable
  /** One line to stdout: results, the things a script would parse. */
  out(line: string): void
  /** One line to stderr: progress and diagnostics. */
  err(line: string): void
  /** True when stderr is a terminal, so progress may redraw one line in place. */
  readonly interactive: boolean
  /**
   * Marks the command as stopped by the person (Ctrl+C paused or cancelled its job): the process exits 130 once the
   * command has printed what it had. Optional so a capturing test io need not provide it; runCli always does.
   */
  interrupted?(): void
}

export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    interactive: Boolean(process.stderr.isTTY)
  }
}
