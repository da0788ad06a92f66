import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Writable } from 'node:stream'
import { afterAll, expect, it } from 'vitest'
import { VolumeStore } from '@volumes/core'
import { LocalBlobStore } from '@volumes/local'
import { RedisChangeFeed } from '@volumes/redis'
import { describeWithService, provideService, startRedis, type RedisService } from '@volumes/testkit'
import { runCli } from '../src/index.js'
import { capture } from './helpers.js'

const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
afterAll(async () => {
  await redis?.stop()
})

it('volumes watch without the API or a Redis is a usage error (a store alone sees no other process)', async () => {
  const stdout = capture()
  const stderr = capture()
  expect(await runCli(['watch', 'vol:/'], { stdout, stderr, env: {}, cwd: tmpdir() })).toBe(2)
  expect(stderr.text()).toMatch(/VOLUMES_API_URL/)
})

describeWithService('volumes watch on a Redis change feed', redis, (service) => {
  it('prints one line per change another writer makes, until interrupted', async () => {
    const { host, port } = service as RedisService
    const root = await mkdtemp(join(tmpdir(), 'volumes-cli-watch-'))
    const changes = new RedisChangeFeed({ redis: { host, port } })
    const writer = await new VolumeStore({ blobs: new LocalBlobStore({ root }), changes }).create('watched')
    const controller = new AbortController()
    const lines: string[] = []
    const stdout = Object.assign(new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString().split('\n').filter(Boolean))
        if (lines.some((line) => line.endsWith('remove file /a.txt'))) controller.abort()
        callback()
      },
    }), { isTTY: false, columns: 80 })
    const stderr = capture()
    const watching = runCli(['watch', '-r', '--store', pathToFileURL(root).href, '--redis', `redis://${host}:${port}`, 'watched:/'], { stdout, stderr, env: {}, cwd: root, signal: controller.signal })
    // The command says when it watches; writes before that line would not be seen.
    while (!stderr.text().includes('watching')) await new Promise((resolve) => setImmediate(resolve))
    await writer.writeFile('/a.txt', 'x')
    await writer.remove('/a.txt')
    expect(await watching, stderr.text()).toBe(0)
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual(['create file /a.txt', 'remove file /a.txt'])
    await changes.close()
  })
})
