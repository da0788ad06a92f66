import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VolumeStore, type BlobStore } from '@volumes/core'
import { Attachment, Volume, type ConnectionOptions } from '@volumes/client'
import { LocalBlobStore } from '@volumes/local'
import { startVolumesServer, type VolumesServer } from '@volumes/server'
import type { VolumeApi } from '@volumes/testkit'

/** A real server in this process on 127.0.0.1, over one store, with two teams' keys. */
export interface ServerFixture {
  readonly server: VolumesServer
  readonly store: VolumeStore
  readonly url: string
  /** Team A's key: what the tests use. */
  readonly apiKey: string
  /** Team B's key: for isolation checks. */
  readonly otherKey: string
  readonly connection: { readonly apiUrl: string; readonly apiKey: string }
  close(): Promise<void>
}

/** Starts the server over `blobs` on a free port; `close` stops it (and runs `cleanup`). */
export async function startServer(blobs: BlobStore, cleanup: () => Promise<void> = async () => undefined, limits: { maxFileBytes?: number } = {}): Promise<ServerFixture> {
  const apiKey = `key-a-${randomBytes(12).toString('hex')}`
  const otherKey = `key-b-${randomBytes(12).toString('hex')}`
  const store = new VolumeStore({ blobs })
  const server = await startVolumesServer({
    store,
    auth: { apiKeys: { [apiKey]: 'team-a', [otherKey]: 'team-b' }, tokenSecret: randomBytes(32) },
    limits,
    logger: false,
    port: 0,
    host: '127.0.0.1',
    overrideGlobalObjects: false,
  })
  return {
    server,
    store,
    url: server.url,
    apiKey,
    otherKey,
    connection: { apiUrl: server.url, apiKey },
    async close() {
      await server.close()
      await store.leases.close()
      await cleanup()
    },
  }
}

/** Starts the server over a LocalBlobStore in a fresh temporary directory, removed on close. */
export async function startLocalServer(limits: { maxFileBytes?: number } = {}): Promise<ServerFixture & { readonly root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'volumes-client-'))
  const fixture = await startServer(new LocalBlobStore({ root }), () => rm(root, { recursive: true, force: true }), limits)
  return { ...fixture, root }
}

/** The client's static methods bound to one connection, as the conformance suite drives them. */
export function clientApi(connection: ConnectionOptions): VolumeApi<Volume> {
  return {
    create: (name, options) => Volume.create(name, { ...options, ...connection }),
    connect: (idOrName) => Volume.connect(idOrName, connection),
    list: () => Volume.list(connection),
    getInfo: (idOrName) => Volume.getInfo(idOrName, connection),
    destroy: (idOrName, options) => Volume.destroy(idOrName, { ...options, ...connection }),
    attach: (holderId, mounts) => Attachment.attach(holderId, mounts, connection),
  }
}
