#!/usr/bin/env node
// Lease throughput on one Redis, three ways in the same run:
//   volumes  — @volumes/redis RedisLeaseManager (Lua scripts, holder index, HeldLease timers)
//   redlock  — the `redlock` npm package (v5 beta, one Redis, retryCount 0)
//   raw      — `SET key value NX PX ttl` + a Lua compare-and-delete / compare-and-pexpire
// Workloads: acquire+release cycles/s and renewals/s, at 1 and 50 concurrent clients
// (each client its own volume, so nothing contends: this measures the cost per operation).
// Every implementation gets one ioredis connection. Rounds alternate the implementations and
// the median round is kept, because the machine is noisy.
//
// Build first: npx tsc -b packages/redis packages/testkit
// Run: node bench/leases/leases.mjs [--seconds 2] [--rounds 3]   (VOLUMES_REDIS_URL to use a running Redis)
import { cpus, loadavg } from 'node:os'
import { Redis } from 'ioredis'
import Redlock from 'redlock'
import { MemoryTokenFloor, RedisLeaseManager } from '../../packages/redis/dist/index.js'
import { startRedis } from '../../packages/testkit/dist/services/redis.js'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const seconds = arg('seconds', 2)
const rounds = arg('rounds', 5)
const TTL = 30_000

const loadAtStart = loadavg()
const redis = await startRedis()
const clients = []
const connect = () => {
  const client = new Redis({ host: redis.host, port: redis.port })
  clients.push(client)
  return client
}

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
const EXTEND_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`

/** Each implementation: `cycle(worker)` = one acquire + release; `holder(worker)` → `renew()` for the renewal loop. */
async function implementations() {
  const rawClient = connect()
  rawClient.defineCommand('benchRelease', { numberOfKeys: 1, lua: RELEASE_LUA })
  rawClient.defineCommand('benchExtend', { numberOfKeys: 1, lua: EXTEND_LUA })
  const raw = {
    name: 'raw SET NX PX + Lua',
    async cycle(worker) {
      const key = `raw:vol-${worker}`
      const value = `h${worker}-${Math.random()}`
      if ((await rawClient.set(key, value, 'PX', TTL, 'NX')) !== 'OK') throw new Error('raw: not acquired')
      await rawClient.benchRelease(key, value)
    },
    async holder(worker, run) {
      const key = `raw:renew-${run}-${worker}`
      const value = `h${worker}`
      if ((await rawClient.set(key, value, 'PX', TTL, 'NX')) !== 'OK') throw new Error('raw: not acquired')
      return {
        renew: async () => {
          if ((await rawClient.benchExtend(key, value, TTL)) !== 1) throw new Error('raw: lost')
        },
        release: () => rawClient.benchRelease(key, value),
      }
    },
  }

  const redlock = new Redlock([connect()], { retryCount: 0, automaticExtensionThreshold: 0 })
  const redlockImpl = {
    name: 'redlock',
    async cycle(worker) {
      const lock = await redlock.acquire([`redlock:vol-${worker}`], TTL)
      await lock.release()
    },
    async holder(worker, run) {
      let lock = await redlock.acquire([`redlock:renew-${run}-${worker}`], TTL)
      return {
        renew: async () => {
          lock = await lock.extend(TTL)
        },
        release: () => lock.release(),
      }
    },
  }

  const volumesFor = (name, options) => {
    const manager = new RedisLeaseManager({ redis: connect(), keyPrefix: `bench-${name}`, ...options })
    return {
      name,
      manager,
      async cycle(worker) {
        const lease = await manager.acquire(`vol-${worker}`, `sandbox-${worker}`, { ttlMs: TTL, autoRenew: false })
        await lease.release()
      },
      async holder(worker, run) {
        return manager.acquire(`renew-${run}-${worker}`, `sandbox-${worker}`, { ttlMs: TTL, autoRenew: false })
      },
    }
  }
  const volumes = volumesFor('volumes', {})
  const floored = volumesFor('volumes + token floor', { tokenFloor: new MemoryTokenFloor() })
  await volumes.manager.ready()
  await floored.manager.ready()
  return [raw, redlockImpl, volumes, floored]
}

const admin = connect()
const redisCpu = async () => {
  const info = await admin.info('cpu')
  return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1])
}

/**
 * Runs `op(worker)` in `concurrency` loops for `duration` seconds. Returns operations per second
 * and CPU microseconds per operation (this process + redis-server): the CPU cost is steadier
 * than the rate on a machine whose other tenants steal time.
 */
async function measure(concurrency, op, duration = seconds) {
  const redisBefore = await redisCpu()
  const cpuBefore = process.cpuUsage()
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
  const elapsed = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const redisMicros = ((await redisCpu()) - redisBefore) * 1e6
  return { rate: count / elapsed, clientCpuPerOp: (cpu.user + cpu.system) / count, redisCpuPerOp: redisMicros / count }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const NAMES = ['raw SET NX PX + Lua', 'redlock', 'volumes', 'volumes + token floor']
const WORKLOADS = ['acquire+release cycles/s', 'renewals/s']

async function main() {
  const impls = await implementations()
  const results = [] // { workload, concurrency, name, rate, cpuPerOp, vsRaw, vsRedlock }
  for (const concurrency of [1, 50]) {
    for (const workload of WORKLOADS) {
      const holders = new Map()
      if (workload === 'renewals/s') {
        for (const impl of impls) holders.set(impl.name, await Promise.all(Array.from({ length: concurrency }, (_, worker) => impl.holder(worker, concurrency))))
      }
      const opOf = (impl) => (holders.size ? (worker) => holders.get(impl.name)[worker].renew() : (worker) => impl.cycle(worker))
      for (const impl of impls) {
        await measure(concurrency, opOf(impl), 0.5).catch((error) => {
          throw new Error(`${impl.name}: ${error.message}`)
        })
      }
      const rounds_ = []
      for (let round = 0; round < rounds; round++) {
        const sample = {}
        for (const impl of round % 2 === 0 ? impls : [...impls].reverse()) sample[impl.name] = await measure(concurrency, opOf(impl))
        rounds_.push(sample)
      }
      for (const name of NAMES) {
        results.push({
          workload,
          concurrency,
          name,
          rate: median(rounds_.map((r) => r[name].rate)),
          clientCpuPerOp: median(rounds_.map((r) => r[name].clientCpuPerOp)),
          redisCpuPerOp: median(rounds_.map((r) => r[name].redisCpuPerOp)),
          // Ratios per round (neighbours in time), then the median.
          vsRaw: median(rounds_.map((r) => r[name].rate / r[NAMES[0]].rate)),
          vsRedlock: median(rounds_.map((r) => r[name].rate / r[NAMES[1]].rate)),
        })
      }
      for (const list of holders.values()) for (const holder of list) await holder.release()
      console.error(`done: ${workload} at ${concurrency} clients`)
    }
  }
  return results
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')
try {
  const results = await main()
  const get = (workload, concurrency, name) => results.find((r) => r.workload === workload && r.concurrency === concurrency && r.name === name)
  const cpu = cpus()[0]?.model ?? 'unknown cpu'
  console.log(`\nLeases on Redis ${redis.source} (${redis.url}), ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpu}`)
  console.log(`median of ${rounds} interleaved rounds of ${seconds} s; one ioredis connection per implementation; ratios are medians of per-round ratios\n`)
  console.log('| workload | clients | raw SET NX PX + Lua | redlock | volumes | volumes + token floor | volumes / redlock | volumes / raw | floor / raw |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const workload of WORKLOADS) {
    for (const concurrency of [1, 50]) {
      const [raw, lock, vol, floor] = NAMES.map((name) => get(workload, concurrency, name))
      console.log(`| ${workload} | ${concurrency} | ${fmt(raw.rate)} | ${fmt(lock.rate)} | ${fmt(vol.rate)} | ${fmt(floor.rate)} | ${vol.vsRedlock.toFixed(2)} | ${vol.vsRaw.toFixed(2)} | ${floor.vsRaw.toFixed(2)} |`)
    }
  }
  console.log('\nCPU per operation, µs: client (this process) / redis-server (lower is better)\n')
  console.log('| workload | clients | raw SET NX PX + Lua | redlock | volumes | volumes + token floor |')
  console.log('|---|---:|---:|---:|---:|---:|')
  const both = (r) => `${r.clientCpuPerOp.toFixed(1)} / ${r.redisCpuPerOp.toFixed(1)}`
  for (const workload of WORKLOADS) {
    for (const concurrency of [1, 50]) {
      const [raw, lock, vol, floor] = NAMES.map((name) => get(workload, concurrency, name))
      console.log(`| ${workload} | ${concurrency} | ${both(raw)} | ${both(lock)} | ${both(vol)} | ${both(floor)} |`)
    }
  }
  console.log(`\n1/5/15-min load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores, shared with other work)`)
} finally {
  await Promise.allSettled(clients.map((client) => client.quit()))
  await redis.stop()
}
