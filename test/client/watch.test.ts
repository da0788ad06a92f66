import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryChangeFeed, VolumeStore, type ChangeItem, type VolumeWatch } from '@volumes/core'
import { isVolumeError, Volume } from '@volumes/client'
import { LocalBlobStore } from '@volumes/local'
import { startVolumesServer, type VolumesServer } from '@volumes/server'

const apiKey = `key-a-${randomBytes(12).toString('hex')}`
const otherKey = `key-b-${randomBytes(12).toString('hex')}`
const tokenSecret = randomBytes(32)
const feed = new MemoryChangeFeed()
let root: string
let server: VolumesServer
let port = 0

/** A server over the same disk and change feed, on the same port after a restart. */
async function start(): Promise<void> {
  const store = new VolumeStore({ blobs: new LocalBlobStore({ root }), changes: feed })
  server = await startVolumesServer({ store, auth: { apiKeys: { [apiKey]: 'team-a', [otherKey]: 'team-b' }, tokenSecret }, logger: false, port, host: '127.0.0.1', overrideGlobalObjects: false, drainTimeoutMs: 50 })
  port = server.port
}
const connection = (): { apiUrl: string; apiKey: string } => ({ apiUrl: `http://127.0.0.1:${port}`, apiKey })
const unique = (): string => `w-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const line = (item: ChangeItem): string => (item.type === 'gap' ? 'gap' : `${item.type} ${item.entryType} ${item.path}${item.oldPath ? ` <- ${item.oldPath}` : ''}`)

async function readUntil(watch: VolumeWatch, until: string): Promise<string[]> {
  const lines: string[] = []
  for await (const item of watch) {
    lines.push(line(item))
    if (line(item) === until) break
  }
  return lines
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'volumes-watch-'))
  await start()
})
afterAll(async () => {
  await server.close()
  await rm(root, { recursive: true, force: true })
})

describe('watch through the HTTP API (SSE)', () => {
  it('delivers the events of writes made through the API, subtree and recursive as asked', async () => {
    const volume = await Volume.create(unique(), connection())
    await volume.makeDir('/src')
    const seen: string[] = []
    const handle = await volume.watchDir('/src', (item) => void seen.push(line(item)))
    const watch = volume.watch('/', { recursive: true })
    await watch.ready
    await volume.writeFile('/src/a.ts', 'a')
    await volume.rename('/src/a.ts', '/src/b.ts')
    await volume.writeFile('/other', 'x')
    await volume.remove('/src/b.ts')
    expect(await readUntil(watch, 'remove file /src/b.ts')).toEqual(['create file /src/a.ts', 'rename file /src/b.ts <- /src/a.ts', 'create file /other', 'remove file /src/b.ts'])
    await handle.stop()
    expect(seen).toEqual(['create file /src/a.ts', 'rename file /src/b.ts <- /src/a.ts', 'remove file /src/b.ts'])
    await watch.close()
  })

  it('refuses a missing path (ENOENT), a file (ENOTDIR), a bad cursor (EINVAL), another team\'s volume (404)', async () => {
    const volume = await Volume.create(unique(), connection())
    await volume.writeFile('/file', 'x')
    const codeOf = async (watch: VolumeWatch): Promise<string> => watch.ready.then(() => 'none', (error: unknown) => (isVolumeError(error) ? error.code : String(error)))
    expect(await codeOf(volume.watch('/missing'))).toBe('ENOENT')
    expect(await codeOf(volume.watch('/file'))).toBe('ENOTDIR')
    expect(await codeOf(volume.watch('/', { since: 'bogus' }))).toBe('EINVAL')
    const stranger = new Volume(volume.info, { apiUrl: connection().apiUrl, apiKey: otherKey })
    const refused = await stranger.watch('/').ready.then(() => undefined, (error: unknown) => error)
    expect(isVolumeError(refused, 'ENOENT') && refused.reason).toBe('VolumeNotFound')
  })

  it('resumes after the server restarts with every event written meanwhile (Last-Event-ID)', async () => {
    const volume = await Volume.create(unique(), connection())
    const watch = volume.watch('/', { recursive: true })
    await watch.ready
    await volume.writeFile('/before', 'x')
    const iterator = watch[Symbol.asyncIterator]()
    expect(line((await iterator.next()).value as ChangeItem)).toBe('create file /before')
    await server.close()
    // Written while no server runs, through the library on the same disk and feed.
    const library = await new VolumeStore({ blobs: new LocalBlobStore({ root }), changes: feed }).connect(volume.volumeId)
    await library.writeFile('/during', 'x')
    await start()
    await volume.writeFile('/after', 'x')
    const rest: string[] = []
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(line(next.value))
      if (next.value.type !== 'gap' && next.value.path === '/after') break
    }
    expect(rest).toEqual(['create file /during', 'create file /after'])
    await watch.close()
  })
})
