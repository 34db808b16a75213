import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Command } from 'commander'
import { runsApi } from '@shared/api/schemas/runs'
import type { CreditSettings } from '@shared/api/schemas/runs'
import { AppError } from '@shared/errors'
import type { Role } from '@shared/roles'
import { parseCallInput } from '../../api/dispatchCall'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'
import { SchemaFlags } from '../SchemaFlags'

/** The flags of `runs.exportData`; its schema holds their defaults and ranges. */
const exportFlags = new SchemaFlags(runsApi.exportData.input, {
  '--run <id>': { field: 'runId', description: 'run id', required: true },
  '--what <what>': { field: 'what', description: 'tree | sft | dpo', required: true },
  '--role <role>': { field: 'role', description: 'role (needed for sft and dpo)' },
  '--threshold <θ>': { field: 'credit.threshold', description: 'credit threshold: ✓ iff value > θ' },
  '--pooling <pooling>': { field: 'credit.pooling', description: 'value pooling' },
  '--max-pairs-per-parent <n>': { field: 'credit.maxPairsPerParent', description: 'cap on DPO pairs per parent', defaultHelp: 'every ✓ × ✗ combination' },
  '--pair-seed <n>': { field: 'credit.pairSeed', description: 'seed of the capped pair sample' }
})

export function registerExportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('export')
    .description('export a run as JSONL: the tree, or a role’s SFT set or DPO pairs in TRL’s conversational formats')
    .option(dbOptionFlags, dbOptionDescription)
  exportFlags.addTo(command)
  command.requiredOption('--out <file>', 'output JSONL file').action(async (options: { db?: string; what: string; role?: string; out: string } & Record<string, unknown>) => {
    if (options.what !== 'tree' && !options.role) throw new AppError('invalid_input', `--what ${options.what} needs --role`, { field: 'role' })
    // Validated by the contract like `runs.exportData`, but written line by line: a run's tree can outgrow one string.
    const input = exportFlags.callSync(() => parseCallInput('runs.exportData', exportFlags.input(options))) as {
      runId: number
      what: 'tree' | 'sft' | 'dpo'
      role?: Role
      credit: CreditSettings
    }
    await withWorkbench(options, async (workbench) => {
      const out = createWriteStream(options.out, { encoding: 'utf8' })
      let lines = 0
      try {
        for (const line of workbench.runs.exportLines(input.runId, input.what, input.role, input.credit)) {
          if (!out.write(`${line}\n`)) await once(out, 'drain')
          lines++
        }
      } finally {
        out.end()
        await once(out, 'close')
      }
      io.out(`wrote ${lines} ${input.what === 'tree' ? 'nodes' : input.what === 'sft' ? 'SFT examples' : 'DPO pairs'} to ${options.out}`)
    })
  })
}
