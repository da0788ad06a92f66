import { spawn } from 'node:child_process'
import { ServiceUnavailableError, waitUntil } from './test-service.js'

/** The test services that have a local image built by `docker/build-images.sh`. */
export type ImagedService = 'minio' | 'fake-gcs-server' | 'redis-server'

/** The tag `docker/build-images.sh` gives the image of `service` (FROM scratch: the binary at `/<service>` and its libraries). */
export function localImage(service: ImagedService): string {
  return `volumes-test/${service}:local`
}

/** Options of {@link startHostContainer}. */
export interface HostContainerOptions {
  /** A local image, see {@link localImage}. */
  readonly image: string
  /** The whole command line, starting with the binary's path in the image. */
  readonly command: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  /** Resolves true once the service answers on the host port it was told to bind. */
  readonly ready: () => Promise<boolean>
  readonly what: string
  readonly readyTimeoutMs?: number
}

/** A container started by {@link startHostContainer}. */
export interface HostContainer {
  readonly id: string
  stop(): Promise<void>
}

/**
 * Starts a container with testcontainers in host network mode: the service binds a free
 * 127.0.0.1 port chosen by the caller, exactly as the local binary would, so no port
 * mapping (and no bridge network: CI's `dockerd` runs with `--bridge=none --iptables=false`) is needed.
 *
 * The image must already be there (`docker/build-images.sh`): no registry is reachable, so it is
 * never pulled. Ryuk, testcontainers' reaper, is off: it needs its own pulled image and a mapped
 * port. A small `sh` watchdog removes the container instead if this process dies without stopping it.
 */
export async function startHostContainer(options: HostContainerOptions): Promise<HostContainer> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  // This machine has a /.dockerenv, so testcontainers would look for the bridge network's gateway
  // (there is none); in host network mode the services are on loopback anyway.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
  const { GenericContainer, getContainerRuntimeClient, ImageName } = await import('testcontainers')
  const client = await getContainerRuntimeClient().catch((error: unknown) => {
    throw new ServiceUnavailableError(`no Docker engine answers: ${(error as Error).message} (start one with docker/dockerd.sh)`, { cause: error })
  })
  if (!(await client.image.exists(ImageName.fromString(options.image)))) {
    throw new ServiceUnavailableError(`no image ${options.image}: build it with docker/build-images.sh (from the binary the install scripts cache)`)
  }
  const [entrypoint, ...args] = options.command
  const container = await new GenericContainer(options.image)
    .withNetworkMode('host')
    .withEntrypoint([entrypoint!])
    .withCommand(args)
    .withEnvironment({ ...options.env })
    .withLabels({ 'volumes.test-pid': String(process.pid) })
    .withStartupTimeout(30_000)
    .start()
  const id = container.getId()
  const watchdog = spawn('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; docker rm -f "$2" >/dev/null 2>&1', 'container-watchdog', String(process.pid), id], {
    detached: true,
    stdio: 'ignore',
  })
  watchdog.on('error', () => undefined)
  watchdog.unref()
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    watchdog.kill('SIGKILL')
    await container.stop({ timeout: 5_000, remove: true })
  }
  let exitReason: string | undefined
  const ready = async (): Promise<boolean> => {
    const state = (await client.container.inspect(client.container.getById(id))).State
    if (!state.Running) exitReason = `container exited with code ${state.ExitCode}`
    return state.Running && (await options.ready())
  }
  try {
    await waitUntil(`${options.what} (container ${id.slice(0, 12)})`, ready, options.readyTimeoutMs ?? 60_000, () => exitReason)
  } catch (error) {
    const logs = await containerLogs(client, id)
    await stop().catch(() => undefined)
    throw new ServiceUnavailableError(`${(error as Error).message}; container output: ${logs}`, { cause: error })
  }
  return { id, stop }
}

async function containerLogs(client: Awaited<ReturnType<typeof import('testcontainers')['getContainerRuntimeClient']>>, id: string): Promise<string> {
  try {
    const stream = await client.container.logs(client.container.getById(id), { tail: 40 })
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
    await new Promise((resolve) => {
      stream.on('end', resolve)
      stream.on('error', resolve)
      setTimeout(resolve, 2_000)
    })
    return text.slice(-2000)
  } catch (error) {
    return `(no logs: ${(error as Error).message})`
  }
}
