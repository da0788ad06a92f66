import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { MemoryBlobStore, VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { RedisChangeFeed } from '@volumes/redis'
import { describeWithService, provideService, runChangeFeedConformance, runVolumeEventTests, startRedis, type RedisService } from '@volumes/testkit'

const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
const feeds: RedisChangeFeed[] = []
const feed = (options: { maxLength?: number } = {}): RedisChangeFeed => {
  const made = new RedisChangeFeed({ redis: { host: redis!.host, port: redis!.port }, keyPrefix: `t${Date.now().toString(36)}`, ...options })
  feeds.push(made)
  return made
}
afterAll(async () => {
  await Promise.allSettled(feeds.map((made) => made.close()))
  await redis?.stop()
})

describeWithService('RedisChangeFeed on a single redis-server', redis, () => {
  // MAXLEN ~ trims whole stream nodes (100 entries): 150 events surely overflow a feed of 10.
  runChangeFeedConformance('redis (single server)', { create: async (capacity) => ({ feed: feed({ maxLength: capacity }), close: async () => undefined }), overflow: 150 })
  runVolumeEventTests('memory blobs, redis feed', () => new MemoryBlobStore(), { changes: () => feed() })

  it('a watcher sees the events of a writer in another process', async () => {
    const packages = fileURLToPath(new URL('../..', import.meta.url))
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-b', join(packages, 'redis'), join(packages, 'local')], { stdio: 'pipe' })
    const root = await mkdtemp(join(tmpdir(), 'volumes-changes-'))
    const store = new VolumeStore({ blobs: new LocalBlobStore({ root }), changes: new RedisChangeFeed({ redis: { host: redis!.host, port: redis!.port } }) })
    const volume = await store.create(`two-processes-${Date.now().toString(36)}`)
    const watch = volume.watch('/', { recursive: true })
    await watch.ready
    const child = spawn(process.execPath, [join(packages, 'redis/test/fixtures/change-writer.mjs'), root, volume.volumeId, String(redis!.port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    const lines: string[] = []
    for await (const item of watch) {
      lines.push(item.type === 'gap' ? 'gap' : `${item.type} ${item.path}${item.oldPath ? ` <- ${item.oldPath}` : ''}`)
      if (item.type === 'remove' && item.path === '/from-child') break
    }
    expect(await exited, err).toBe(0)
    expect(lines).toEqual(['create /from-child', 'create /from-child/a.txt', 'rename /from-child/b.txt <- /from-child/a.txt', 'remove /from-child/b.txt', 'remove /from-child'])
    await store.changes.close?.()
  }, 240_000)
})
