import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** A running service that tests talk to. */
export interface TestService {
  readonly name: string
  /** Where to reach it, e.g. `http://127.0.0.1:9000` or `redis://127.0.0.1:6379`. */
  readonly url: string
  /** How it was provided: `env`, `binary` or `container`. */
  readonly source: 'env' | 'binary' | 'container'
  /** Service-specific details (credentials, data directory, pid). */
  readonly details: Readonly<Record<string, string>>
  /** Stops the service (a no-op for one named in the environment). */
  stop(): Promise<void>
}

/** Thrown when no way of providing a service worked. The message says how to provide it. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError'
}

/** Directory where `scripts/install-test-services.sh` caches built binaries. */
export function binaryCacheDir(): string {
  return process.env.VOLUMES_BIN_DIR ?? join(homedir(), '.cache', 'volumes-bin')
}

/** Finds an executable on PATH or in the binary cache. */
export function findBinary(name: string): string | undefined {
  const dirs = [binaryCacheDir(), ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin', join(homedir(), 'go', 'bin')]
  for (const dir of dirs) {
    const candidate = join(dir, name)
    if (dir && existsSync(candidate)) return candidate
  }
  return undefined
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Polls `check` until it resolves true, or throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const exitReason = exited?.()
    if (exitReason) throw new ServiceUnavailableError(`${what} exited before it was ready: ${exitReason}`)
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new ServiceUnavailableError(`${what} was not ready after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A child process started for a test, with its output kept for error messages. */
export interface ManagedProcess {
  readonly child: ChildProcess
  readonly dataDir: string
  output(): string
  exitReason(): string | undefined
  /** SIGTERM, then SIGKILL after 5 s; removes the data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>
}

/** Starts `binary` with `args` on loopback, with a fresh temporary data directory. */
export async function startProcess(name: string, binary: string, args: (dataDir: string) => string[], env: Record<string, string> = {}, dataDir?: string): Promise<ManagedProcess> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), `volumes-${name}-`)))
  const child = spawn(binary, args(dir), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let exit: string | undefined
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  child.on('exit', (code, signal) => {
    exit = `code ${code} signal ${signal}; output: ${output.slice(-2000)}`
  })
  child.on('error', (error) => {
    exit = error.message
  })
  return {
    child,
    dataDir: dir,
    output: () => output,
    exitReason: () => exit,
    async stop(options = {}) {
      if (exit === undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      if (!options.keepData) await rm(dir, { recursive: true, force: true })
    },
  }
}

/** True when a Docker engine answers (the last resort of every service). */
export function dockerAvailable(): boolean {
  return existsSync('/var/run/docker.sock') || process.env.DOCKER_HOST !== undefined
}

/** True when running in CI, where a missing service is a failure, never a skip. */
export function inCI(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1'
}
