#!/usr/bin/env node
// The cost of change events, in one run on the local disk:
//   writer throughput (4 KiB writeFile, sequential) with a null feed (the recorder runs, nothing is
//   published: the peer), the memory feed with 0, 1 and 100 watchers, the Redis feed with 0 and 1 watcher;
//   latency from writeFile resolving to the event arriving at a watcher (same process), memory vs Redis.
// Rounds rotate the order; per round the ratio to the null feed is taken, and the median ratio printed.
// Build first: npx tsc -b packages/redis packages/local packages/testkit
// Run: node bench/watch/watch.mjs [--writes 300] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { MemoryChangeFeed, VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'
import { RedisChangeFeed } from '../../packages/redis/dist/index.js'
import { startRedis } from '../../packages/testkit/dist/services/redis.js'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const writes = arg('writes', 300)
const rounds = arg('rounds', 5)
const loadAtStart = loadavg()
const redis = await startRedis()
const root = mkdtempSync(join(tmpdir(), 'bench-watch-'))
const blobs = new LocalBlobStore({ root })
const data = new Uint8Array(4096).fill(7)
const nullFeed = { publish: async (_id, events) => events.map((event) => ({ ...event, cursor: '0' })), subscribe: async () => { throw new Error('null feed') } }
const redisFeeds = []
const redisFeed = () => {
  const feed = new RedisChangeFeed({ redis: { host: redis.host, port: redis.port }, keyPrefix: `bench${Date.now().toString(36)}` })
  redisFeeds.push(feed)
  return feed
}

const configs = [
  { name: 'null feed (peer)', feed: () => nullFeed, watchers: 0 },
  { name: 'memory, 0 watchers', feed: () => new MemoryChangeFeed(), watchers: 0 },
  { name: 'memory, 1 watcher', feed: () => new MemoryChangeFeed(), watchers: 1 },
  { name: 'memory, 100 watchers', feed: () => new MemoryChangeFeed(), watchers: 100 },
  { name: 'redis, 0 watchers', feed: redisFeed, watchers: 0 },
  { name: 'redis, 1 watcher', feed: redisFeed, watchers: 1 },
]

/** Writes `writes` files; watchers drain concurrently and count what they got (verified after). */
async function run(config, latencies) {
  const store = new VolumeStore({ blobs, changes: config.feed() })
  const volume = await store.create(`b-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`)
  const watches = Array.from({ length: config.watchers }, () => volume.watch('/', { recursive: true }))
  await Promise.all(watches.map((watch) => watch.ready))
  const resolvedAt = new Map()
  const arrivedAt = new Map()
  const draining = watches.map(async (watch, index) => {
    let seen = 0
    for await (const item of watch) {
      if (item.type === 'gap') throw new Error('unexpected gap')
      if (index === 0) arrivedAt.set(item.path, performance.now())
      if (++seen === writes) break
    }
    return seen
  })
  const started = performance.now()
  for (let i = 0; i < writes; i++) {
    await volume.writeFile(`/f${i}`, data)
    resolvedAt.set(`/f${i}`, performance.now())
  }
  const elapsed = performance.now() - started
  const seen = await Promise.all(draining)
  if (seen.some((count) => count !== writes)) throw new Error(`${config.name}: a watcher saw ${seen} of ${writes}`)
  // Negative: the event arrived before the writer's await resumed (publishing is awaited).
  if (latencies) for (const [path, at] of resolvedAt) latencies.push(arrivedAt.get(path) - at)
  await Promise.all(watches.map((watch) => watch.close()))
  await store.destroy(volume.volumeId)
  return writes / (elapsed / 1000)
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]
const throughput = new Map(configs.map((c) => [c.name, []]))
const ratios = new Map(configs.map((c) => [c.name, []]))
const latency = { memory: [], redis: [] }
await run(configs[1]) // warm-up
for (let round = 0; round < rounds; round++) {
  const order = configs.map((_, i) => configs[(i + round) % configs.length])
  const perRound = new Map()
  for (const config of order) {
    const target = config.watchers === 1 ? latency[config.name.startsWith('redis') ? 'redis' : 'memory'] : undefined
    perRound.set(config.name, await run(config, target))
  }
  for (const config of configs) {
    throughput.get(config.name).push(perRound.get(config.name))
    ratios.get(config.name).push(perRound.get(config.name) / perRound.get(configs[0].name))
  }
}
console.log(`bench/watch: ${writes} sequential 4 KiB writeFile per run, local disk, ${rounds} rounds (rotating order), ${cpus().length} CPUs`)
console.log(`load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
console.log('| configuration | writes/s (median) | ratio to null feed (median of per-round ratios) |')
console.log('| --- | --- | --- |')
for (const config of configs) console.log(`| ${config.name} | ${median(throughput.get(config.name)).toFixed(0)} | ${median(ratios.get(config.name)).toFixed(3)} |`)
for (const [name, values] of Object.entries(latency)) console.log(`latency writeFile resolved -> event at a watcher (same process; negative = before the writer resumed), ${name}: p50 ${percentile(values, 0.5).toFixed(2)} ms, p99 ${percentile(values, 0.99).toFixed(2)} ms (n=${values.length})`)
await Promise.all(redisFeeds.map((feed) => feed.close()))
await redis.stop()
rmSync(root, { recursive: true, force: true })
