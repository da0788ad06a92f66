import type { Cluster, Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { LeaseKeys, RedisLeaseManager } from '@volumes/redis'

/**
 * Behaviour of the Redis lease manager beyond the conformance suite, run on a single server
 * and on a Cluster: key layout, the horizon that keeps keys alive, the holder index.
 */
export function runRedisSpecifics(name: string, connect: () => Redis | Cluster): void {
  describe(`RedisLeaseManager specifics: ${name}`, () => {
    const setup = (label: string) => {
      const client = connect()
      const keyPrefix = `${label}${Date.now()}${Math.random().toString(36).slice(2, 6)}`
      return { client, keys: new LeaseKeys(keyPrefix), manager: new RedisLeaseManager({ redis: client, keyPrefix }) }
    }

    it('keeps a volume in one hash: holder entries and the token counter', async () => {
      const { client, keys, manager } = setup('layout')
      const lease = await manager.acquire('vol-a', 'h', { ttlMs: 10_000, autoRenew: false })
      const volume = keys.volume('vol-a')
      expect(volume).toMatch(/^\{[^{}]+\}$/)
      expect(await client.hget(volume, 'h')).toMatch(new RegExp(`^${lease.token}\\|exclusive\\|\\d+\\|\\d+$`))
      expect(Number(await client.hget(volume, '\0n'))).toBe(lease.token)
      // Entries expire by their own time; the hash has no TTL (the counter must outlive the leases).
      expect(await client.pttl(volume)).toBe(-1)
      // The holder index outlives the lease by some minutes, no more.
      const ttl = await client.pttl(keys.holderIndex('h'))
      expect(ttl).toBeGreaterThan(10_000)
      expect(ttl).toBeLessThan(20 * 60_000)
      await lease.release()
      expect(await client.hkeys(volume)).toEqual(['\0n'])
      expect(await client.hkeys(keys.holderIndex('h'))).toEqual(['\0'])
      expect(await manager.listAttachments('vol-a')).toEqual([])
      await manager.close()
    })

    it('rejects holder ids with a NUL byte (reserved field names)', async () => {
      const { manager } = setup('nul')
      await expect(manager.acquire('vol-n', '\0n', { autoRenew: false })).rejects.toMatchObject({ code: 'EINVAL' })
      await manager.close()
    })

    it('a renewal near the horizon pushes the TTL of the holder index', async () => {
      const { client, keys, manager } = setup('horizon')
      const lease = await manager.acquire('vol-h', 'holder-h', { ttlMs: 10_000, autoRenew: false })
      const holders = keys.volume('vol-h')
      const index = keys.holderIndex('holder-h')
      // Pretend the horizon is close: entry horizon = its expiry, index TTL short.
      const [token, mode, expires] = (await client.hget(holders, 'holder-h'))!.split('|')
      await client.hset(holders, 'holder-h', `${token}|${mode}|${expires}|${expires}`)
      await client.hset(index, 'vol-h', expires!)
      await client.pexpire(index, 11_000)
      await lease.renew()
      expect(await client.pttl(index)).toBeGreaterThan(5 * 60_000)
      const horizon = Number((await client.hget(holders, 'holder-h'))!.split('|')[3])
      expect(horizon).toBeGreaterThan(Number(expires) + 5 * 60_000)
      expect(Number(await client.hget(index, 'vol-h'))).toBe(horizon)
      // A renewal far from the horizon leaves the index alone.
      await client.hset(index, 'vol-h', '1')
      await lease.renew()
      expect(await client.hget(index, 'vol-h')).toBe('1')
      await lease.release()
      await manager.close()
    })

    it('listByHolder skips and prunes index entries of leases that expired unreleased', async () => {
      const { client, keys, manager } = setup('prune')
      const kept = await manager.acquire('vol-kept', 'holder-p', { ttlMs: 10_000, autoRenew: false })
      const gone = await manager.acquire('vol-gone', 'holder-p', { ttlMs: 10_000, autoRenew: false })
      await client.hdel(keys.volume('vol-gone'), 'holder-p')
      expect((await manager.listByHolder('holder-p')).map((info) => info.volumeId)).toEqual(['vol-kept'])
      await client.hset(keys.holderIndex('holder-p'), 'vol-gone', '1')
      await manager.listByHolder('holder-p')
      expect(await client.hexists(keys.holderIndex('holder-p'), 'vol-gone')).toBe(0)
      await kept.release()
      await gone.release()
      expect(await client.hkeys(keys.holderIndex('holder-p'))).toEqual(['\0'])
      await manager.close()
    })
  })
}
