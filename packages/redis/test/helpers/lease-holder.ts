import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { LeaseHolderConfig } from './lease-holder-child.js'

/** A message from the child: `acquired`, `lost` or `reply`. */
export interface HolderEvent {
  readonly event: 'acquired' | 'lost' | 'reply'
  readonly [key: string]: unknown
}

/** A lease holder running in a child process (see lease-holder-child.ts). */
export interface LeaseHolderProcess {
  readonly child: ChildProcess
  /** The `acquired` event: the child holds the lease. */
  readonly acquired: Promise<{ token: number }>
  /** Resolves when the child reports its lease lost. */
  readonly lost: Promise<{ reason: string }>
  /** Sends a command and waits for its reply (at most `timeoutMs`). */
  command(command: 'renew' | 'validate' | 'release', timeoutMs?: number): Promise<HolderEvent>
  /** SIGSTOP: the whole process freezes, timers included. */
  pause(): void
  /** SIGCONT. */
  resume(): void
  /** Ends the child (resumes it first); resolves when it has exited. */
  stop(): Promise<void>
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const childScript = fileURLToPath(new URL('./lease-holder-child.ts', import.meta.url))

/**
 * Starts a process that acquires a Redis lease and keeps it with automatic renewal.
 * Runs the TypeScript sources through vite-node with the repository's vitest config (the
 * same `@volumes/*` aliases as the tests), so no build is needed.
 */
export function spawnLeaseHolder(config: LeaseHolderConfig): LeaseHolderProcess {
  const viteNode = `${repoRoot}node_modules/vite-node/vite-node.mjs`
  if (!existsSync(viteNode)) throw new Error(`vite-node (installed with vitest) not found at ${viteNode}`)
  const child = spawn(process.execPath, [viteNode, '--config', `${repoRoot}vitest.config.ts`, childScript], {
    cwd: repoRoot,
    env: { ...process.env, VOLUMES_LEASE_HOLDER: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const waiting = new Map<string, (event: HolderEvent) => void>()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const failOnExit = <T>(promise: Promise<T>): Promise<T> =>
    Promise.race([promise, exited.then(() => Promise.reject(new Error(`lease holder exited: ${stderr}`)))])
  const once = (key: string): Promise<HolderEvent> => new Promise((resolve) => waiting.set(key, resolve))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return
    const event = JSON.parse(line) as HolderEvent
    const key = event.event === 'reply' ? `reply:${String(event.id)}` : event.event
    waiting.get(key)?.(event)
    waiting.delete(key)
  })
  const acquired = failOnExit(once('acquired')).then((event) => ({ token: event.token as number }))
  const lost = once('lost').then((event) => ({ reason: event.reason as string }))
  let nextId = 0
  return {
    child,
    acquired,
    lost,
    command(command, timeoutMs = 10_000) {
      const id = ++nextId
      const reply = once(`reply:${id}`)
      child.stdin!.write(`${JSON.stringify({ id, command })}\n`)
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply to ${command} within ${timeoutMs} ms`)), timeoutMs)
      })
      return failOnExit(Promise.race([reply, timeout])).finally(() => clearTimeout(timer))
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGCONT')
      child.kill('SIGKILL')
      await exited
    },
  }
}
