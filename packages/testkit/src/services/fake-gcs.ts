import { readFileSync } from 'node:fs'
import { localImage, startHostContainer } from './container.js'
import { binaryCacheDir, dockerAvailable, findBinary, freePort, ServiceUnavailableError, startProcess, waitUntil, type TestService } from './test-service.js'

/**
 * The fake-gcs-server release the tests are pinned to (see scripts/install/fake-gcs-server.sh).
 * v1.56.1 honours `ifGenerationMatch` on simple, multipart and resumable uploads; it does not
 * yet honour preconditions on PATCH, rewrite or delete (fixed upstream after this release).
 */
export const fakeGcsServerVersion = 'v1.56.1'

/** Project id handed to clients of the emulator (it accepts any). */
const projectId = 'volumes-test'

/** True when the emulator at `url` answers the JSON API. */
async function answers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/storage/v1/b?project=${projectId}`, { signal: AbortSignal.timeout(2000) })
  await response.body?.cancel()
  return response.ok
}

/** The arguments that make the emulator serve plain HTTP on loopback and hand out upload URLs that point back to it. */
function serverArgs(port: number): string[] {
  const self = `127.0.0.1:${port}`
  return [
    '-scheme', 'http',
    '-host', '127.0.0.1',
    '-port', String(port),
    '-backend', 'memory',
    '-public-host', self,
    '-external-url', `http://${self}`,
    '-log-level', 'error',
  ]
}

function installedVersion(binary: string): string | undefined {
  try {
    return readFileSync(`${binary}.version`, 'utf8').trim()
  } catch {
    return undefined
  }
}

/**
 * Provides fake-gcs-server, the GCS emulator: the endpoint in `VOLUMES_GCS_ENDPOINT` first,
 * then the local binary (built by `scripts/install/fake-gcs-server.sh`) on 127.0.0.1 with the
 * in-memory backend, then a container of the local image `volumes-test/fake-gcs-server:local`
 * (built from that binary by `docker/build-images.sh`, started by testcontainers in host network
 * mode) where a Docker engine runs; `{ container: true }` goes to the container at once.
 *
 * `url` is the endpoint to give `@google-cloud/storage` as `apiEndpoint`;
 * `details.projectId` is a project id it accepts.
 */
export async function startFakeGcs(options: { readonly container?: boolean } = {}): Promise<TestService> {
  if (options.container) return startFakeGcsContainer()
  const fromEnv = process.env.VOLUMES_GCS_ENDPOINT
  if (fromEnv) {
    const url = fromEnv.replace(/\/+$/, '')
    await waitUntil(`fake-gcs-server at ${url}`, () => answers(url), 10_000)
    return { name: 'fake-gcs-server', url, source: 'env', details: { projectId }, stop: async () => undefined }
  }

  const binary = findBinary('fake-gcs-server')
  if (binary) {
    const version = installedVersion(binary)
    if (version !== undefined && version !== fakeGcsServerVersion) {
      console.warn(`fake-gcs-server at ${binary} is ${version}, the tests are pinned to ${fakeGcsServerVersion}: run scripts/install/fake-gcs-server.sh`)
    }
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const process_ = await startProcess('fake-gcs', binary, () => serverArgs(port))
    try {
      await waitUntil('fake-gcs-server', () => answers(url), 30_000, process_.exitReason)
    } catch (error) {
      await process_.stop()
      throw error
    }
    return {
      name: 'fake-gcs-server',
      url,
      source: 'binary',
      details: { projectId, pid: String(process_.child.pid), version: version ?? 'unknown' },
      stop: () => process_.stop(),
    }
  }

  if (dockerAvailable()) return startFakeGcsContainer()

  throw new ServiceUnavailableError(
    `no fake-gcs-server: set VOLUMES_GCS_ENDPOINT, or run scripts/install/fake-gcs-server.sh (builds ${fakeGcsServerVersion} into ${binaryCacheDir()}), or start a Docker engine`,
  )
}

async function startFakeGcsContainer(): Promise<TestService> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const container = await startHostContainer({
    image: localImage('fake-gcs-server'),
    command: ['/fake-gcs-server', ...serverArgs(port)],
    ready: () => answers(url),
    what: `fake-gcs-server on ${url}`,
  })
  return { name: 'fake-gcs-server', url, source: 'container', details: { projectId, containerId: container.id }, stop: () => container.stop() }
}
