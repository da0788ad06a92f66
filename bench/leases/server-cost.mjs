#!/usr/bin/env node
// Redis-side cost of each lease operation, from Redis's own INFO commandstats (µs per call,
// measured inside redis-server, so the client and the network do not count): the scripts of
// @volumes/redis next to the raw SET NX PX and the compare-and-delete / compare-and-pexpire Lua.
// Sequential (one client), so each number is one operation's work.
//
// Build first: npx tsc -b packages/redis packages/testkit
// Run: node bench/leases/server-cost.mjs [--calls 3000]
import { Redis } from 'ioredis'
import { RedisLeaseManager } from '../../packages/redis/dist/index.js'
import { startRedis } from '../../packages/testkit/dist/services/redis.js'

const at = process.argv.indexOf('--calls')
const N = at > 0 ? Number(process.argv[at + 1]) : 3000
const redis = await startRedis()
const client = new Redis({ host: redis.host, port: redis.port })
client.defineCommand('rawRelease', { numberOfKeys: 1, lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0` })
client.defineCommand('rawExtend', { numberOfKeys: 1, lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0` })
const manager = new RedisLeaseManager({ redis: client, keyPrefix: 'cost' })

const stats = async (command) => {
  const info = await client.info('commandstats')
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+),usec=(\\d+)`).exec(info)
  return match ? [Number(match[1]), Number(match[2])] : [0, 0]
}
/** Accumulates Redis-side time of `command` over several phases. */
const totals = new Map()
async function phase(name, command, op, count) {
  await client.config('RESETSTAT')
  for (let i = 0; i < count; i++) await op(i)
  const [calls, usec] = await stats(command)
  const [c0, u0] = totals.get(name) ?? [0, 0]
  totals.set(name, [c0 + calls, u0 + usec])
}

// Volumes are reused, as when sandboxes come and go on the same volumes: a first pass creates
// them (not measured), then rounds of acquire / renew / validate / release over the same set.
const VOLUMES = 100
try {
  await manager.ready()
  for (let i = 0; i < VOLUMES; i++) await (await manager.acquire(`v${i}`, `h${i}`, { ttlMs: 30_000, autoRenew: false })).release()
  for (let i = 0; i < VOLUMES; i++) await client.set(`raw${i}`, 'v', 'PX', 30_000)
  for (let round = 0; round < Math.ceil(N / VOLUMES); round++) {
    const leases = []
    await phase('volumes acquire', 'evalsha', async (i) => leases.push(await manager.acquire(`v${i}`, `h${i}`, { ttlMs: 30_000, autoRenew: false })), VOLUMES)
    await phase('volumes renew', 'evalsha', (i) => leases[i].renew(), VOLUMES)
    await phase('volumes validate', 'evalsha', (i) => manager.validate(`v${i}`, `h${i}`, leases[i].token), VOLUMES)
    await phase('volumes release', 'evalsha', (i) => leases[i].release(), VOLUMES)
    await phase('raw SET NX PX', 'set', (i) => client.set(`raw${i}`, 'v', 'PX', 30_000, 'NX'), VOLUMES)
    await phase('raw extend (Lua)', 'evalsha', (i) => client.rawExtend(`raw${i}`, 'v', 30_000), VOLUMES)
    await phase('raw release (Lua)', 'evalsha', (i) => client.rawRelease(`raw${i}`, 'v'), VOLUMES)
  }
  console.log(`\nRedis-side µs per call (INFO commandstats), ${N} sequential calls each over ${VOLUMES} reused volumes / keys\n`)
  console.log('| operation | µs per call |')
  console.log('|---|---:|')
  for (const [name, [calls, usec]] of totals) console.log(`| ${name} | ${(usec / calls).toFixed(2)} |`)
} finally {
  await manager.close()
  await client.quit()
  await redis.stop()
}
