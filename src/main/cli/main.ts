import { createProcessIo } from './CliIo'
import { runCli } from './runCli'

// Entry point of `npm run malt -- <command>`.
const exitCode = await runCli(process.argv.slice(2), createProcessIo())
process.exitCode = exitCode
