import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

/**
 * Test projects, split by what they need (as node-llama-cpp splits standalone and model-dependent tests):
 * - unit:   pure domain logic, the store on real SQLite files, importers on ../shared/data, the API over serve mode.
 * - model:  the real node-llama-cpp engine on the tiny random GGUF and SmolLM2-135M (see scripts/prepare-test-env.mjs).
 * - server: role agents on a real llama-server (scripts/build-llama-server.mjs) through the OpenAI-compatible API.
 * - runner: the real Python training runner on the CPU.
 * - browser: Debian's Chromium via playwright-core driving serve mode.
 * The heavy projects run one file at a time: this machine has 2 cores and llama.cpp/PyTorch use them all.
 */
const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') }

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/main/**/*.test.ts', 'test/shared/**/*.test.ts', 'test/preload/**/*.test.ts', 'test/architecture/**/*.test.ts', 'test/scripts/**/*.test.ts', 'test/bench/**/*.test.ts', 'test/renderer/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'model',
          include: ['test/model/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'runner',
          include: ['test/runner/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 900_000
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000
        }
      }
    ]
  }
})
