import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { access, readFile, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url))

/** A real `volumes serve` in a child process on 127.0.0.1, whose memory can be read. */
export interface ServeChild {
  readonly url: string
  /** `url` plus `/e2b`. */
  readonly e2bUrl: string
  readonly apiKey: string
  readonly pid: number
  /** Resets the process's peak RSS (`/proc/<pid>/clear_refs`), so that {@link peakRss} covers what follows. */
  resetPeak(): Promise<void>
  /** Peak RSS since the last reset, in bytes (`VmHWM`). */
  peakRss(): Promise<number>
  /** Current RSS in bytes (`VmRSS`). */
  rss(): Promise<number>
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>
}

async function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(match[1]) * 1024
}

/** Starts `volumes serve --port 0` with `args` (the store) and `env`; needs the built CLI (`npm run build`). */
export async function startServeChild(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ServeChild> {
  await access(BIN).catch(() => {
    throw new Error(`${BIN} is missing: build the packages first (npm run build, or npx tsc -b packages/cli)`)
  })
  const apiKey = `e2b-child-${randomBytes(12).toString('hex')}`
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--api-key', apiKey, ...args], {
    env: { ...process.env, ...env, VOLUMES_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit')
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const lines = createInterface({ input: child.stdout })
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line)
      if (match) resolve(match[1]!)
    })
    void exited.then(([code]) => reject(new Error(`volumes serve exited (${String(code)}) before listening:\n${stderr}`)))
  })
  const pid = child.pid!
  return {
    url,
    e2bUrl: `${url}/e2b`,
    apiKey,
    pid,
    resetPeak: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    peakRss: () => statusField(pid, 'VmHWM'),
    rss: () => statusField(pid, 'VmRSS'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      lines.close()
    },
  }
}
