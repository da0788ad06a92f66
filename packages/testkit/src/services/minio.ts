import { spawn, type ChildProcess } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { localImage, startHostContainer } from './container.js'
import { dockerAvailable, findBinary, freePort, ServiceUnavailableError, startProcess, waitUntil, type ManagedProcess, type TestService } from './test-service.js'

/** A MinIO (or any S3-compatible endpoint) for tests. */
export interface MinioService extends TestService {
  /** The S3 endpoint, e.g. `http://127.0.0.1:40123`. Re-read it after {@link MinioService.restart} (a container may move). */
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
  /** True when the harness started the server itself and can stop and start it again on the same data. */
  readonly restartable: boolean
  /**
   * Stops the server but keeps its data directory and port, until {@link MinioService.resume}.
   * `SIGKILL` simulates a crash. Only when `restartable`.
   */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Starts a halted server again on the same data directory and port, and waits until it is live. */
  resume(): Promise<void>
  /** {@link MinioService.halt} then {@link MinioService.resume}. */
  restart(): Promise<void>
}

/** Options of {@link startMinio}. */
export interface StartMinioOptions {
  /** Require a server the harness can stop and restart: skips `VOLUMES_S3_ENDPOINT`. */
  readonly restartable?: boolean
  /**
   * Only a container: the `volumes-test/minio:local` image (`docker/build-images.sh`) started by
   * testcontainers in host network mode, skipping `VOLUMES_S3_ENDPOINT` and the binary.
   */
  readonly container?: boolean
}

const ROOT_USER = 'volumes-test'
const ROOT_PASSWORD = 'volumes-test-secret'
const REGION = 'us-east-1'

const healthy = async (endpoint: string, check: 'live' | 'cluster'): Promise<boolean> => {
  const response = await fetch(`${endpoint}/minio/health/${check}`, { signal: AbortSignal.timeout(2000) })
  await response.body?.cancel()
  return response.ok
}

/** Live (the process answers), then the object layer initialised (`/minio/health/cluster`; S3 calls fail with 503 before). */
const live = async (endpoint: string): Promise<boolean> => (await healthy(endpoint, 'live')) && (await healthy(endpoint, 'cluster'))

function unsupported(what: string): () => Promise<void> {
  return () => Promise.reject(new Error(`${what} is not supported for a MinIO the harness did not start`))
}

/**
 * Makes sure a server dies with the test process, however that process ends:
 * - a normal exit (a test file that never called `stop()`) kills it at once;
 * - a killed test process (a worker torn down by a timeout, `kill -9`) cannot run exit
 *   handlers, so a small `sh` watchdog polls the test process and then kills the server,
 *   after checking that the pid still runs `minio` on this data directory (no reused pid),
 *   and removes the data directory.
 * `untrack` (a server stopped on purpose) ends the watchdog too.
 */
const running = new Map<ManagedProcess, ChildProcess>()
let exitHookInstalled = false
const WATCHDOG = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; '
  + 'if ps -o args= -p "$2" 2>/dev/null | grep -qF -- "$3"; then kill -9 "$2"; sleep 1; rm -rf -- "$3"; fi'
function track(server: ManagedProcess): void {
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'minio-watchdog', String(process.pid), String(server.child.pid), server.dataDir], { detached: true, stdio: 'ignore' })
  watchdog.on('error', () => undefined)
  watchdog.unref()
  running.set(server, watchdog)
  server.child.once('exit', () => untrack(server))
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const [child, dog] of running) {
      child.child.kill('SIGKILL')
      dog.kill('SIGKILL')
    }
  })
}
function untrack(server: ManagedProcess): void {
  const watchdog = running.get(server)
  running.delete(server)
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL')
}

/**
 * Provides an S3 endpoint for tests, by the first of these that works:
 * 1. `VOLUMES_S3_ENDPOINT` with `VOLUMES_S3_ACCESS_KEY` / `VOLUMES_S3_SECRET_KEY`
 *    (and optionally `VOLUMES_S3_REGION`): tests may create buckets there;
 * 2. the `minio` binary (PATH or the binary cache; `scripts/install/minio.sh` builds it),
 *    started on 127.0.0.1 on a free port with a temporary data directory and fixed root
 *    credentials, ready once `/minio/health/live` and then `/minio/health/cluster` answer;
 * 3. a container of the local image `volumes-test/minio:local` (built from the binary by
 *    `docker/build-images.sh`) where a Docker engine runs, or first with `{ container: true }`.
 * Only the binary can be halted and restarted. Buckets are the caller's to create.
 *
 * @example
 * const minio = await provideService('MinIO', () => startMinio())
 */
export async function startMinio(options: StartMinioOptions = {}): Promise<MinioService> {
  if (options.container) return startMinioContainer()
  const fromEnv = process.env.VOLUMES_S3_ENDPOINT
  if (fromEnv && !options.restartable) {
    const accessKeyId = process.env.VOLUMES_S3_ACCESS_KEY
    const secretAccessKey = process.env.VOLUMES_S3_SECRET_KEY
    if (!accessKeyId || !secretAccessKey) throw new ServiceUnavailableError('VOLUMES_S3_ENDPOINT is set but VOLUMES_S3_ACCESS_KEY / VOLUMES_S3_SECRET_KEY are not')
    const endpoint = fromEnv.replace(/\/+$/, '')
    const region = process.env.VOLUMES_S3_REGION ?? REGION
    return {
      name: 'minio', url: endpoint, endpoint, source: 'env', accessKeyId, secretAccessKey, region, restartable: false,
      details: { endpoint, region },
      stop: async () => undefined, halt: unsupported('halt'), resume: unsupported('resume'), restart: unsupported('restart'),
    }
  }

  const binary = findBinary('minio')
  if (binary) return startMinioBinary(binary)

  if (dockerAvailable() && !options.restartable) {
    try {
      return await startMinioContainer()
    } catch (error) {
      throw new ServiceUnavailableError(`no minio binary, and the MinIO container did not start: ${(error as Error).message}`, { cause: error })
    }
  }

  throw new ServiceUnavailableError(
    options.restartable
      ? 'no minio binary (needed to stop and restart MinIO): run scripts/install/minio.sh'
      : 'no MinIO: set VOLUMES_S3_ENDPOINT (+ VOLUMES_S3_ACCESS_KEY, VOLUMES_S3_SECRET_KEY), or run scripts/install/minio.sh (go install github.com/minio/minio@latest), or start a Docker engine',
  )
}

async function startMinioBinary(binary: string): Promise<MinioService> {
  const host = '127.0.0.1'
  const port = await freePort()
  const consolePort = await freePort()
  const endpoint = `http://${host}:${port}`
  const env = { MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' }
  let dataDir: string | undefined
  const launch = async (): Promise<ManagedProcess> => {
    const args = (dir: string): string[] => ['server', dir, '--address', `${host}:${port}`, '--console-address', `${host}:${consolePort}`]
    const server = await startProcess('minio', binary, args, env, dataDir)
    track(server)
    dataDir = server.dataDir
    try {
      await waitUntil(`minio on ${endpoint}`, () => live(endpoint), 30_000, server.exitReason)
    } catch (error) {
      await server.stop({ keepData: true })
      throw error
    }
    return server
  }
  let server: ManagedProcess | undefined = await launch()
  const details: Record<string, string> = { endpoint, dataDir: server.dataDir, pid: String(server.child.pid), binary }
  const halt = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const current = server
    server = undefined
    if (!current) return
    if (current.exitReason() === undefined && signal === 'SIGKILL') {
      const exited = new Promise((resolve) => current.child.once('exit', resolve))
      current.child.kill('SIGKILL')
      await exited
    }
    await current.stop({ keepData: true })
  }
  const resume = async (): Promise<void> => {
    if (server) throw new Error('minio is still running: halt() it first')
    server = await launch()
    details.pid = String(server.child.pid)
  }
  return {
    name: 'minio', url: endpoint, endpoint, source: 'binary', accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD, region: REGION, restartable: true,
    details,
    halt,
    resume,
    async restart() {
      await halt()
      await resume()
    },
    async stop() {
      await halt()
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

async function startMinioContainer(): Promise<MinioService> {
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const container = await startHostContainer({
    image: localImage('minio'),
    command: ['/minio', 'server', '/data', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${await freePort()}`, '--certs-dir', '/tmp/certs'],
    env: { MINIO_ROOT_USER: ROOT_USER, MINIO_ROOT_PASSWORD: ROOT_PASSWORD, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
    ready: () => live(endpoint),
    what: `minio on ${endpoint}`,
  })
  return {
    name: 'minio', url: endpoint, endpoint, source: 'container', accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD, region: REGION, restartable: false,
    details: { endpoint, containerId: container.id },
    stop: () => container.stop(),
    halt: unsupported('halt'), resume: unsupported('resume'), restart: unsupported('restart'),
  }
}
