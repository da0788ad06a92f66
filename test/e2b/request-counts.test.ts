import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardTo, VolumeStore, type BlobStore, type Volume as LibraryVolume } from '@volumes/core'
import { createVolumesHandler, startVolumesServer, type VolumesServer } from '@volumes/server'
import { Volume } from 'e2b'
import { localBlobs } from './fixture.js'

/** Store requests by member, and HTTP requests by method and route, since the last reset. */
const store: Record<string, number> = {}
const http: string[] = []
const reset = (): void => {
  for (const key of Object.keys(store)) delete store[key]
  http.length = 0
}

function counting(inner: BlobStore): BlobStore {
  const count = (name: string): void => void (store[name] = (store[name] ?? 0) + 1)
  return forwardTo(inner, {
    head: (key, options) => (count('head'), inner.head(key, options)),
    get: (key, options) => (count('get'), inner.get(key, options)),
    put: (key, body, options) => (count('put'), inner.put(key, body, options)),
    list: (prefix, options) => (count('list'), inner.list(prefix, options)),
    delete: (keys, options) => (count('delete'), inner.delete(keys, options)),
    copy: (from, to, options) => (count('copy'), inner.copy(from, to, options)),
    setMetadata: (key, metadata, options) => (count('setMetadata'), inner.setMetadata(key, metadata, options)),
  })
}

/**
 * Each SDK call is one HTTP request, and the server makes exactly the store requests the
 * library makes for the same call (quota off: its usage writes are batched in time).
 */
describe('official e2b SDK: exact request counts', () => {
  let server: VolumesServer
  let cleanup: () => Promise<void>
  let volume: Volume
  let library: LibraryVolume
  const payload = randomBytes(4096)
  const bytes = (): ArrayBuffer => payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength) as ArrayBuffer

  beforeAll(async () => {
    const local = await localBlobs()
    cleanup = local.cleanup
    const apiKey = `e2b-count-${randomBytes(12).toString('hex')}`
    const libraryStore = new VolumeStore({ blobs: counting(local.blobs), quota: false })
    const handler = createVolumesHandler({ store: libraryStore, auth: { apiKeys: { [apiKey]: 'team-a' } }, logger: false, limits: { volumeCacheMs: 0 } })
    server = await startVolumesServer({
      handler: { ...handler, fetch: (request) => (http.push(`${request.method} ${new URL(request.url).pathname.replace(/vol-[a-z0-9]+/, '{id}')}`), handler.fetch(request)) },
      port: 0,
      overrideGlobalObjects: false,
    })
    const connection = { apiKey, apiUrl: `${server.url}/e2b` }
    process.env.E2B_VOLUME_API_URL = connection.apiUrl
    volume = await Volume.create('counts', connection)
    library = await libraryStore.connect(volume.volumeId)
    await volume.writeFile('/dir/file.bin', bytes())
  })
  afterAll(async () => {
    await server?.close()
    await cleanup?.()
  })

  it('writeFile, readFile, getInfo, list, makeDir: one HTTP request each, the library\'s store requests', async () => {
    const calls: [string, () => Promise<unknown>, () => Promise<unknown>, string][] = [
      ['writeFile', () => volume.writeFile('/dir/file.bin', bytes()), () => library.writeFile('/dir/file.bin', payload), 'PUT /e2b/volumecontent/{id}/file'],
      ['readFile', () => volume.readFile('/dir/file.bin', { format: 'bytes' }), () => library.readFile('/dir/file.bin', { format: 'bytes' }), 'GET /e2b/volumecontent/{id}/file'],
      ['getInfo', () => volume.getInfo('/dir/file.bin'), () => library.getInfo('/dir/file.bin'), 'GET /e2b/volumecontent/{id}/path'],
      ['list', () => volume.list('/dir'), () => library.list('/dir'), 'GET /e2b/volumecontent/{id}/dir'],
      ['makeDir', () => volume.makeDir('/dir', { force: true }), () => library.makeDir('/dir', { force: true }), 'POST /e2b/volumecontent/{id}/dir'],
    ]
    const deltas: Record<string, number>[] = []
    for (const [name, sdk, direct, route] of calls) {
      reset()
      await direct()
      const expected = { ...store }
      reset()
      await sdk()
      expect(http, name).toEqual([route])
      const delta: Record<string, number> = {}
      for (const member of new Set([...Object.keys(store), ...Object.keys(expected)])) {
        const extra = (store[member] ?? 0) - (expected[member] ?? 0)
        if (extra !== 0) delta[member] = extra
      }
      deltas.push(delta)
    }
    // The only extra store requests open the volume (handle cache off): the registry's id pointer and record.
    for (const delta of deltas) expect(delta).toEqual({ get: 2 })
  })
})
