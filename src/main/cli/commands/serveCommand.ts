import type { Command } from 'commander'
import { AppError } from '@shared/errors'
import { ensureRendererBuilt } from '../../adapters/build/ensureRendererBuilt'
import { resolveAppRoot } from '../../app/resolvePaths'
import { WorkbenchServer } from '../../serve/WorkbenchServer'
import type { CliIo } from '../CliIo'
import { dbOptionDescription, dbOptionFlags, withWorkbench } from '../openWorkbench'

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('serve the workbench UI and API over HTTP + WebSocket, for machines without a screen')
    .option(dbOptionFlags, dbOptionDescription)
    .option('--port <port>', 'port to listen on', '8765')
    .option('--host <address>', 'address to bind; anything but loopback requires --token', '127.0.0.1')
    .option('--token <token>', 'access token (or MALT_SERVE_TOKEN); required beyond loopback')
    .action(async (options: { db?: string; port: string; host: string; token?: string }) => {
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppError('invalid_input', `--port: '${options.port}' is not a port number`, { field: 'port' })
      }
      const token = options.token ?? process.env.MALT_SERVE_TOKEN
      const rendererDir = await ensureRendererBuilt(resolveAppRoot(), (line) => io.err(line))
      await withWorkbench(options, async (workbench) => {
        const server = await WorkbenchServer.start(workbench, { host: options.host, port, rendererDir, ...(token ? { token } : {}) })
        io.out(`MALT Workbench serving ${(await workbench.api.app.info()).databasePath} at ${server.url}`)
        io.err('press Ctrl+C to stop')
        // `on`, not `once`: signal-exit (loaded with node-llama-cpp via proper-lockfile) re-raises a signal when its own
        // listener is the only one left, which killed serve with 143 before it could close once a model had loaded.
        let stop: () => void = () => undefined
        await new Promise<void>((resolve) => {
          stop = () => resolve()
          process.on('SIGINT', stop)
          process.on('SIGTERM', stop)
        })
        io.err('stopping…')
        await server.close()
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      }, 'serve')
    })
}
