import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Command } from 'commander'
import { Option } from 'commander'
import { AppError } from '@shared/errors'
import { type Role, roles } from '@shared/roles'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { parseIntegerOption, parseNumberOption } from '../parseOptions'

interface ExportOptions {
  db?: string
  run: string
  what: 'tree' | 'sft' | 'dpo'
  role?: Role
  out: string
  threshold: string
  pooling: 'global' | 'local'
  maxPairsPerParent?: string
  pairSeed: string
}

export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('export a run as JSONL: the tree, or a role’s SFT set or DPO pairs in TRL’s conversational formats')
    .option(dbOptionFlags, dbOptionDescription)
    .requiredOption('--run <id>', 'run id')
    .addOption(new Option('--what <what>', 'tree | sft | dpo').choices(['tree', 'sft', 'dpo']).makeOptionMandatory())
    .addOption(new Option('--role <role>', 'role (needed for sft and dpo)').choices(roles))
    .requiredOption('--out <file>', 'output JSONL file')
    .option('--threshold <θ>', 'credit threshold: ✓ iff value > θ', '0.5')
    .addOption(new Option('--pooling <pooling>', 'value pooling').choices(['global', 'local']).default('global'))
    .option('--max-pairs-per-parent <n>', 'cap on DPO pairs per parent (default: every ✓ × ✗ combination)')
    .option('--pair-seed <n>', 'seed of the capped pair sample', '0')
    .action(async (options: ExportOptions) => {
      if (options.what !== 'tree' && !options.role) throw new AppError('invalid_input', `--what ${options.what} needs --role`, { field: 'role' })
      const runId = parseIntegerOption('--run', options.run, { min: 1 })
      const credit = {
        threshold: parseNumberOption('--threshold', options.threshold, { min: 0, max: 1 }),
        pooling: options.pooling,
        maxPairsPerParent: options.maxPairsPerParent === undefined ? null : parseIntegerOption('--max-pairs-per-parent', options.maxPairsPerParent, { min: 1 }),
        pairSeed: parseIntegerOption('--pair-seed', options.pairSeed)
      }
      await withWorkbench(options, async (workbench) => {
        const out = createWriteStream(options.out, { encoding: 'utf8' })
        let lines = 0
        try {
          for (const line of workbench.runs.exportLines(runId, options.what, options.role, credit)) {
            if (!out.write(`${line}\n`)) await once(out, 'drain')
            lines++
          }
        } finally {
          out.end()
          await once(out, 'close')
        }
        io.out(`wrote ${lines} ${options.what === 'tree' ? 'nodes' : options.what === 'sft' ? 'SFT examples' : 'DPO pairs'} to ${options.out}`)
      })
    })
}
