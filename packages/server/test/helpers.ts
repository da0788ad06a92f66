import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VolumeStore, type BlobStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { createVolumesHandler, type VolumesHandler, type VolumesHandlerOptions } from '@volumes/server'

export const KEY_A = 'key-team-a-0123456789abcdef'
export const KEY_B = 'key-team-b-0123456789abcdef'
export const SECRET = 'test-secret-0123456789abcdef0123456789'

/** A handler over a LocalBlobStore in a fresh temporary directory. */
export interface Fixture {
  readonly root: string
  readonly blobs: BlobStore
  readonly store: VolumeStore
  readonly handler: VolumesHandler
  /** Calls the handler; `key` is the bearer credential (undefined: none). */
  call(method: string, path: string, init?: { body?: BodyInit | null; headers?: Record<string, string>; key?: string | undefined }): Promise<Response>
  /** Calls and parses a JSON response. */
  json<T = any>(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: T; response: Response }>
  cleanup(): Promise<void>
}

/** Builds a fixture (on a LocalBlobStore unless `blobs` is given); `wrap` may wrap the blob store (e.g. to record keys). */
export async function makeFixture(options: { wrap?: (blobs: BlobStore) => BlobStore; handler?: Partial<VolumesHandlerOptions>; quota?: { bytesPerGb: number }; blobs?: BlobStore } = {}): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'volumes-server-'))
  const local = options.blobs ?? new LocalBlobStore({ root })
  const blobs = options.wrap ? options.wrap(local) : local
  const store = new VolumeStore({ blobs, ...(options.quota ? { quota: options.quota } : {}) })
  const handler = createVolumesHandler({
    store,
    auth: { apiKeys: [{ key: KEY_A, team: 'team-a' }, { key: KEY_B, team: 'team-b' }], tokenSecret: SECRET },
    logger: false,
    ...options.handler,
  })
  const call: Fixture['call'] = (method, path, init = {}) => {
    const key = 'key' in init ? init.key : KEY_A
    const headers: Record<string, string> = { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...init.headers }
    const body = init.body ?? null
    return handler.fetch(new Request(`http://volumes.test${path}`, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit))
  }
  return {
    root,
    blobs,
    store,
    handler,
    call,
    async json(method, path, body, key = KEY_A) {
      const response = await call(method, path, { key, body: body === undefined ? null : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), response }
    },
    async cleanup() {
      await handler.releaseLeases()
      await store.leases.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** A stream of `total` bytes in `chunk`-sized pieces, counting what was pulled. */
export function byteStream(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled(): number } {
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const size = Math.min(chunk, total - sent)
      sent += size
      controller.enqueue(new Uint8Array(size).fill(97))
    },
  })
  return { stream, pulled: () => sent }
}
