import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runCli, type OutputStream } from '../src/index.js'

/** A writable that keeps what was written, optionally pretending to be a terminal. */
export function capture(options: { isTTY?: boolean; columns?: number } = {}): OutputStream & { text(): string } {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.from(chunk))
      callback()
    },
  })
  return Object.assign(stream, { isTTY: options.isTTY ?? false, columns: options.columns ?? 80, text: () => Buffer.concat(chunks).toString('utf8') })
}

/** What one CLI run printed and returned. */
export interface CliResult {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/** A temporary directory holding the store (`home`) and a scratch area (`work`). */
export interface Sandbox {
  readonly root: string
  readonly home: string
  readonly work: string
  /** Runs `volumes <args>` in-process against this sandbox's store, from `work`. */
  run(args: readonly string[], options?: { isTTY?: boolean; env?: Record<string, string> }): Promise<CliResult>
  dispose(): Promise<void>
}

/** Makes a fresh sandbox on the real disk. */
export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'volumes-cli-'))
  const home = join(root, 'home')
  const work = join(root, 'work')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(work, { recursive: true })
  return {
    root,
    home,
    work,
    async run(args, options = {}) {
      const stdout = capture()
      const stderr = capture({ isTTY: options.isTTY ?? false })
      const status = await runCli(args, { stdout, stderr, env: { VOLUMES_HOME: home, ...options.env }, cwd: work })
      return { status, stdout: stdout.text(), stderr: stderr.text() }
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  }
}
