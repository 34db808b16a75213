import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getLlama, LlamaCompletion, type Llama, type LlamaModel, type Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, repoRoot } from '../support/paths'
import { runnerPython, spawnRunner, tinyGguf } from './spawnRunner'

/**
 * Parity with node-llama-cpp. First, the runner's tokenizer must split text as llama.cpp does. Then the LoRA GGUF
 * that the runner exports, loaded by node-llama-cpp on the ORIGINAL base GGUF, must generate what the PEFT model
 * generates in torch. A short SFT with a high learning rate moves the output far enough that a
 * wrong tensor name, scale or q/k row order would show. As a negative control, the same adapter exported without the
 * q/k rotary permutation must NOT match, which shows that this test can see that mistake.
 */
const PROMPT = 'The answer to the question is'
const MAX_TOKENS = 12
const MIN_AGREEING = 8

interface Greedy {
  prompt_tokens: number[]
  base: { tokens: number[]; text: string }
  adapted: { tokens: number[]; text: string }
}

async function greedyInLlamaCpp(model: LlamaModel, loraPath: string | null): Promise<{ tokens: Token[]; context: Token[] }> {
  const context = await model.createContext({ contextSize: 256, ...(loraPath ? { lora: { adapters: [{ filePath: loraPath }] } } : {}) })
  try {
    const sequence = context.getSequence()
    const completion = new LlamaCompletion({ contextSequence: sequence })
    const tokens: Token[] = []
    // temperature 0 is greedy; LlamaCompletion applies a repeat penalty unless told not to
    await completion.generateCompletion(PROMPT, {
      maxTokens: MAX_TOKENS,
      temperature: 0,
      repeatPenalty: false,
      onToken: (chunk) => tokens.push(...chunk)
    })
    return { tokens, context: [...sequence.contextTokens] }
  } finally {
    await context.dispose()
  }
}

/** Texts where a GPT-2 split and llama.cpp's digit-first split disagree, and other tokenizer edge cases. */
const TOKENIZER_TEXTS = [
  'What is 12 plus  7?\nShow   steps.',
  '\n\n1. First\n2. Second',
  'Answer:\n\n42',
  '$1,234.56 and 3.14159',
  "It's 10:30pm, isn't it?",
  '  leading spaces and trailing  ',
  'tabs\tand 5\t6',
  'café 🚀 ½ ² naïve',
  'x=-3, y=+4 ; 2^10=1024',
  '<|im_start|>system\nYou are a verifier.<|im_end|>\n<|im_start|>user\nQuestion: 3 + 4?<|im_end|>\n<|im_start|>assistant\n',
  'Step 1: Identify the key information given in the question.\n\nStep 2: 48/2 = 24\n\nFinal Answer: 72'
]

function runJsonWithInput<T>(args: string[], input: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(runnerPython(), args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(-3000)}`))
      else resolve(JSON.parse(stdout) as T)
    })
    child.stdin.end(input)
  })
}

describe('exported LoRA GGUF in node-llama-cpp matches the PEFT model in torch', () => {
  let tmp: ReturnType<typeof makeTempDir>
  let llama: Llama
  let model: LlamaModel

  beforeAll(async () => {
    tmp = makeTempDir('malt-parity-')
    llama = await getLlama({ gpu: false, maxThreads: 1 })
    model = await llama.loadModel({ modelPath: tinyGguf })
  })
  afterAll(async () => {
    await model?.dispose()
    await llama?.dispose()
    tmp.cleanup()
  })

  it('the runner tokenizes text exactly as llama.cpp does (training sees the ids inference sees)', async () => {
    const { ids } = await runJsonWithInput<{ ids: number[][] }>(
      [join('test', 'runner', 'tokenize_texts.py'), '--base', tinyGguf],
      JSON.stringify(TOKENIZER_TEXTS)
    )
    const llamaCpp = TOKENIZER_TEXTS.map((text) => [...model.tokenize(text, true)])
    expect(ids).toEqual(llamaCpp)
  })

  it('agrees on the greedy continuation, which differs from the base model', async () => {
    const trainFile = join(tmp.dir, 'sft.jsonl')
    writeFileSync(
      trainFile,
      Array.from({ length: 8 }, (_, i) =>
        JSON.stringify({
          prompt: [{ role: 'user', content: `Question ${i}: what is ${i} + ${i}?` }],
          completion: [{ role: 'assistant', content: `The answer is ${2 * i}.` }]
        })
      ).join('\n')
    )
    const configPath = join(tmp.dir, 'job.json')
    writeFileSync(
      configPath,
      JSON.stringify({
        method: 'sft',
        base_model: tinyGguf,
        train_file: trainFile,
        output_dir: join(tmp.dir, 'out'),
        rank: 8,
        alpha: 16,
        learning_rate: 5e-3,
        max_steps: 6,
        batch_size: 4,
        max_length: 64,
        gradient_checkpointing: false
      })
    )
    const run = spawnRunner(['-m', 'malt_runner', 'train', '--config', configPath])
    expect((await run.exit).code, run.stderr().slice(-3000)).toBe(0)
    const finished = run.events.at(-1)
    if (finished?.type !== 'finished' || !finished.gguf_path) throw new Error('the runner did not finish with a GGUF')

    const unpermuted = join(tmp.dir, 'unpermuted.gguf')
    const torch = await runJsonWithInput<Greedy>([
      join('test', 'runner', 'peft_greedy.py'),
      '--base', tinyGguf,
      '--adapter', finished.adapter_dir,
      '--prompt', PROMPT,
      '--max-tokens', String(MAX_TOKENS),
      '--write-unpermuted', unpermuted
    ], '')

    const base = await greedyInLlamaCpp(model, null)
    const adapted = await greedyInLlamaCpp(model, finished.gguf_path)
    const wrong = await greedyInLlamaCpp(model, unpermuted)

    console.log(JSON.stringify({ torch: torch.adapted.tokens, llamaCpp: adapted.tokens, unpermuted: wrong.tokens, base: base.tokens }))
    // same prompt tokens on both sides (no BOS: SmolLM2's tokenizer does not add one)
    expect(adapted.context.slice(0, torch.prompt_tokens.length)).toEqual(torch.prompt_tokens)
    expect(base.tokens.slice(0, MIN_AGREEING)).toEqual(torch.base.tokens.slice(0, MIN_AGREEING))
    expect(adapted.tokens.length).toBeGreaterThanOrEqual(MIN_AGREEING)
    expect(adapted.tokens.slice(0, MIN_AGREEING)).toEqual(torch.adapted.tokens.slice(0, MIN_AGREEING))
    // the adapter really changes the output, and the q/k permutation matters
    expect(torch.adapted.tokens.slice(0, MIN_AGREEING)).not.toEqual(torch.base.tokens.slice(0, MIN_AGREEING))
    expect(wrong.tokens.slice(0, MIN_AGREEING)).not.toEqual(torch.adapted.tokens.slice(0, MIN_AGREEING))
  })
})
