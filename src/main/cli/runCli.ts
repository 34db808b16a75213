import { Command, CommanderError } from 'commander'
import { AppError, formatErrorLocation, serializeError } from '@shared/errors'
import type { CliIo } from './CliIo'
import { registerCommands } from './registerCommands'

/**
 * Builds the `malt` program and runs it. Returns the exit code instead of exiting, so tests can run the CLI
 * in-process. Every failure ends as exactly one line on stderr: `error: <message>`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('malt')
    .description('MALT Workbench: multi-agent LLM training (generator, verifier, refiner) on a local GGUF model')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text)
    })
  // A command stopped by Ctrl+C still ends normally (it prints what it has); it only changes the exit code.
  let exitCode = 0
  registerCommands(program, { ...io, interrupted: () => void (exitCode = 130) })

  try {
    await program.parseAsync(argv as string[], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander; they already printed what they had to.
      return error.exitCode
    }
    io.err(`error: ${describeError(error)}`)
    return 1
  }
}

export function describeError(error: unknown): string {
  const serialized = serializeError(error)
  const where = formatErrorLocation(serialized.location)
  const message = serialized.message.replace(/\s*\n\s*/g, ' ')
  if (!where || message.includes(where)) return message
  // A message that already begins with its field ("--seed: 'abc' is not an integer") needs it named only once.
  const location = serialized.location
  if (location?.field && !location.file && location.line === undefined && message.startsWith(`${location.field}:`)) return message
  return `${where}: ${message}`
}

export { AppError }
