#!/usr/bin/env node
// What keeping leases and fencing tokens across a failover costs (issue 9, defect 4).
// One master with one replica on loopback (the testkit's Sentinel set-up; clients talk to the
// master directly), three RedisLeaseManager configurations measured in the same run:
//   no wait       — waitForReplicas: 0: the behaviour before (a failover can lose leases and reissue tokens)
//   WAIT 1        — the default with a replica ('auto'): every acquire and renewal waits for the replica
//   floor/acquire — the other way to keep tokens monotonic: no WAIT, tokenBlockSize 1 with a
//                   RegistryTokenFloor on the local disk (every acquire reads and raises the floor in
//                   the bucket; leases can still be lost); a lower bound: S3 or GCS requests are slower
// Workloads: acquire+release cycles/s and renewals/s at 1 and 50 concurrent clients, each client
// on its own volume. Warm-up, then rounds in rotating order; per-round ratios to "no wait"
// (neighbours in time) and their median. Every operation's result is checked (tokens grow).
//
// Build first: npx tsc -b packages/redis packages/testkit packages/local
// Run: node bench/leases/failover-cost.mjs [--seconds 2] [--rounds 5]
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RegistryTokenFloor, VolumeStore } from '../../packages/core/dist/index.js'
import { LocalBlobStore } from '../../packages/local/dist/index.js'
import { RedisLeaseManager } from '../../packages/redis/dist/index.js'
import { startRedisSentinel } from '../../packages/testkit/dist/services/redis-sentinel.js'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const seconds = arg('seconds', 2)
const rounds = arg('rounds', 5)
const TTL = 30_000
const CONCURRENCY = [1, 50]
const loadAtStart = loadavg()

const redis = await startRedisSentinel({ replicas: 1 })
const dataDir = await mkdtemp(join(tmpdir(), 'volumes-bench-floor-'))
const clients = []
const managers = []
const connect = () => {
  const client = new Redis({ host: redis.master.host, port: redis.master.port })
  clients.push(client)
  return client
}

async function configurations() {
  const blobs = new LocalBlobStore({ root: dataDir })
  const store = new VolumeStore({ blobs })
  const volumeIds = []
  for (let i = 0; i < Math.max(...CONCURRENCY) * 2; i++) volumeIds.push((await store.create(`bench-${i}`)).volumeId)
  const make = (name, options) => {
    const manager = new RedisLeaseManager({ redis: connect(), keyPrefix: `bench-${name.replace(/\W/g, '')}-${Date.now()}`, checkIntervalMs: 0, ...options })
    managers.push(manager)
    const last = new Map()
    const checked = (worker, lease) => {
      if (lease.token <= (last.get(worker) ?? 0)) throw new Error(`${name}: token ${lease.token} did not grow`)
      last.set(worker, lease.token)
      return lease
    }
    return {
      name,
      manager,
      async cycle(worker) {
        const lease = checked(worker, await manager.acquire(volumeIds[worker], `sandbox-${worker}`, { ttlMs: TTL, autoRenew: false }))
        await lease.release()
      },
      holder: (worker) => manager.acquire(volumeIds[volumeIds.length / 2 + worker], `holder-${worker}`, { ttlMs: TTL, autoRenew: false }),
    }
  }
  const list = [
    make('no wait', { waitForReplicas: 0 }),
    make('WAIT 1', {}),
    make('floor/acquire', { waitForReplicas: 0, tokenFloor: new RegistryTokenFloor(blobs), tokenBlockSize: 1 }),
  ]
  for (const { manager } of list) await manager.ready()
  return list
}

async function measure(concurrency, op, duration = seconds) {
  const deadline = performance.now() + duration * 1000
  let count = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        await op(worker)
        count++
      }
    }),
  )
  return count / ((performance.now() - started) / 1000)
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fmt = (n) => Math.round(n).toLocaleString('en-US')

try {
  const configs = await configurations()
  const rows = []
  for (const workload of ['acquire+release cycles/s', 'renewals/s']) {
    for (const concurrency of CONCURRENCY) {
      const holders = new Map()
      if (workload === 'renewals/s') for (const config of configs) holders.set(config.name, await Promise.all(Array.from({ length: concurrency }, (_, worker) => config.holder(worker))))
      const opOf = (config) => (holders.size ? (worker) => holders.get(config.name)[worker].renew() : (worker) => config.cycle(worker))
      for (const config of configs) await measure(concurrency, opOf(config), 0.5)
      const samples = []
      for (let round = 0; round < rounds; round++) {
        const order = configs.map((_, i) => configs[(i + round) % configs.length])
        const sample = {}
        for (const config of order) sample[config.name] = await measure(concurrency, opOf(config))
        samples.push(sample)
      }
      rows.push({
        workload,
        concurrency,
        rates: configs.map((config) => median(samples.map((s) => s[config.name]))),
        ratios: configs.map((config) => median(samples.map((s) => s[config.name] / s['no wait']))),
      })
      for (const list of holders.values()) for (const holder of list) await holder.release()
      console.error(`done: ${workload} at ${concurrency} clients`)
    }
  }
  console.log(`\nLease cost across failover, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
  console.log(`redis-server master + 1 replica on loopback; median of ${rounds} rotating rounds of ${seconds} s; ratios: medians of per-round ratios to "no wait"\n`)
  console.log(`| workload | clients | ${configs.map((c) => c.name).join(' | ')} | ${configs.slice(1).map((c) => `${c.name} / no wait`).join(' | ')} |`)
  console.log(`|---|---:|${configs.map(() => '---:').join('|')}|${configs.slice(1).map(() => '---:').join('|')}|`)
  for (const row of rows) console.log(`| ${row.workload} | ${row.concurrency} | ${row.rates.map(fmt).join(' | ')} | ${row.ratios.slice(1).map((r) => r.toFixed(2)).join(' | ')} |`)
  console.log(`\n1/5/15-min load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores, shared)`)
} finally {
  await Promise.allSettled(managers.map((manager) => manager.close()))
  await Promise.allSettled(clients.map((client) => client.quit()))
  await redis.stop()
  await rm(dataDir, { recursive: true, force: true })
}
