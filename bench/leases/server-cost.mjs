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

const perCall = async (command) => {
  const stats = await client.info('commandstats')
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+),usec=(\\d+)`).exec(stats)
  return match ? Number(match[2]) / Number(match[1]) : Number.NaN
}
const rows = []
async function measure(name, command, op) {
  await client.config('RESETSTAT')
  for (let i = 0; i < N; i++) await op(i)
  rows.push([name, await perCall(command)])
}

try {
  await manager.ready()
  const leases = []
  await measure('volumes acquire', 'evalsha', async (i) => leases.push(await manager.acquire(`v${i}`, `h${i}`, { ttlMs: 30_000, autoRenew: false })))
  await measure('volumes renew', 'evalsha', (i) => leases[i].renew())
  await measure('volumes validate', 'evalsha', (i) => manager.validate(`v${i}`, `h${i}`, leases[i].token))
  await measure('volumes release', 'evalsha', (i) => leases[i].release())
  await measure('raw SET NX PX', 'set', (i) => client.set(`raw${i}`, 'v', 'PX', 30_000, 'NX'))
  await measure('raw extend (Lua)', 'evalsha', (i) => client.rawExtend(`raw${i}`, 'v', 30_000))
  await measure('raw release (Lua)', 'evalsha', (i) => client.rawRelease(`raw${i}`, 'v'))
  console.log(`\nRedis-side µs per call (INFO commandstats), ${N} sequential calls each\n`)
  console.log('| operation | µs per call |')
  console.log('|---|---:|')
  for (const [name, micros] of rows) console.log(`| ${name} | ${micros.toFixed(2)} |`)
} finally {
  await manager.close()
  await client.quit()
  await redis.stop()
}
