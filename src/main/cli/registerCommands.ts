import type { Command } from 'commander'
import type { CliIo } from './CliIo'
import { registerDatasetsCommand } from './commands/datasetsCommand'
import { registerEvalCommand } from './commands/evalCommand'
import { registerEvalsCommand } from './commands/evalsCommand'
import { registerExportCommand } from './commands/exportCommand'
import { registerGenerateCommand } from './commands/generateCommand'
import { registerGradeCommand } from './commands/gradeCommand'
import { registerImportCommand } from './commands/importCommand'
import { registerModelsCommand } from './commands/modelsCommand'
import { registerRunsCommand } from './commands/runsCommand'
import { registerServeCommand } from './commands/serveCommand'
import { registerSymbolicCommand } from './commands/symbolicCommand'
import { registerAdaptersCommand, registerTrainCommand, registerTrainingEnvCommand } from './commands/trainCommand'

/**
 * Every `malt` subcommand registers here. Each lives in commands/<name>Command.ts and exports
 * `register<Name>Command(program, io)`; the commands call the same services as the IPC and serve transports.
 */
export function registerCommands(program: Command, io: CliIo): void {
  registerImportCommand(program, io)
  registerDatasetsCommand(program, io)
  registerServeCommand(program, io)
  registerGenerateCommand(program, io)
  registerRunsCommand(program, io)
  registerExportCommand(program, io)
  registerGradeCommand(program, io)
  registerEvalCommand(program, io)
  registerEvalsCommand(program, io)
  registerSymbolicCommand(program, io)
  registerTrainCommand(program, io)
  registerAdaptersCommand(program, io)
  registerTrainingEnvCommand(program, io)
  registerModelsCommand(program, io)
}
