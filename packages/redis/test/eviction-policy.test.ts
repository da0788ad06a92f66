import { Redis } from 'ioredis'
import { afterAll, afterEach, expect, it } from 'vitest'
import { RedisLeaseManager, type RedisLeaseManagerOptions } from '@volumes/redis'
import { describeWithService, provideService, startRedis, type RedisService } from '@volumes/testkit'
import { until, whenAborted } from './helpers/failover.js'

// Its own redis-server (restartable = the local binary): these tests change its configuration.
const redis = (await provideService('redis-server (own binary)', () => startRedis({ restartable: true }))) as RedisService | undefined
const managers: RedisLeaseManager[] = []
afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((manager) => manager.close()))
})
afterAll(() => redis?.stop())

describeWithService('maxmemory-policy check', redis, (service) => {
  const server = service as RedisService
  const admin = (): Redis => new Redis({ host: server.host, port: server.port })
  const setPolicy = async (policy: string): Promise<void> => {
    const client = admin()
    await client.config('SET', 'maxmemory-policy', policy)
    await client.quit()
  }
  const open = (options: Partial<RedisLeaseManagerOptions> = {}): RedisLeaseManager => {
    const manager = new RedisLeaseManager({ redis: { host: server.host, port: server.port }, keyPrefix: `policy${Date.now()}`, ...options })
    managers.push(manager)
    return manager
  }

  it.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('refuses %s with EINVAL', async (policy) => {
    await setPolicy(policy)
    const manager = open()
    const error = await manager.acquire('vol', 'a', { autoRenew: false }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'EINVAL', reason: 'EvictingPolicy' })
    expect((error as Error).message).toContain(`maxmemory-policy "${policy}"`)
    expect((error as Error).message).toContain('noeviction')
    await expect(manager.ready()).rejects.toMatchObject({ code: 'EINVAL' })
    await expect(manager.listAttachments('vol')).rejects.toMatchObject({ code: 'EINVAL' })
  })

  it('accepts an evicting policy when allowEvictingPolicy is set', async () => {
    await setPolicy('allkeys-lru')
    const lease = await open({ allowEvictingPolicy: true }).acquire('vol', 'a', { autoRenew: false })
    expect(lease.token).toBeGreaterThan(0)
    await lease.release()
  })

  it('accepts noeviction', async () => {
    await setPolicy('noeviction')
    await open().ready()
  })

  it('an evicting policy set after start-up refuses acquires from the next check on, and noeviction lifts it', { timeout: 20_000 }, async () => {
    await setPolicy('noeviction')
    const manager = open({ checkIntervalMs: 100 })
    const held = await manager.acquire('vol-late', 'a', { ttlMs: 60_000, autoRenew: false })
    await setPolicy('allkeys-lru')
    await until(() => manager.ready().then(() => false, (error: unknown) => (error as { reason?: string }).reason === 'EvictingPolicy'))
    // Without a floor, an evicted volume would start again at token 1: no acquire while the policy can evict.
    await expect(manager.acquire('vol-late', 'b', { autoRenew: false })).rejects.toMatchObject({ code: 'EINVAL', reason: 'EvictingPolicy' })
    await expect(manager.acquire('vol-other', 'b', { autoRenew: false })).rejects.toMatchObject({ code: 'EINVAL', reason: 'EvictingPolicy' })
    // The lease still held (not evicted) is not declared lost for the policy alone.
    expect(held.isCurrent()).toBe(true)
    await setPolicy('noeviction')
    const after = await manager.acquire('vol-other', 'b', { autoRenew: false })
    expect(after.token).toBeGreaterThan(0)
    await after.release()
    await held.release()
  })

  it('a lease Redis evicted fires its signal at the next check (not at its renewal)', { timeout: 30_000 }, async () => {
    await setPolicy('noeviction')
    const manager = open({ checkIntervalMs: 100, allowEvictingPolicy: true })
    const held = await manager.acquire('vol-evicted', 'a', { ttlMs: 60_000, autoRenew: false })
    const lost = whenAborted(held.signal)
    const client = admin()
    try {
      const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1])
      await client.config('SET', 'maxmemory', String(used + 4 * 1024 * 1024))
      await client.config('SET', 'maxmemory-policy', 'allkeys-random')
      const filler = Buffer.alloc(64 * 1024, 120)
      const volumeKey = (await client.keys('*vol-evicted*')).find((key) => key.startsWith('{'))!
      for (let i = 0; i < 5000 && (await client.exists(volumeKey)) === 1; i++) await client.set(`filler-${i}`, filler)
      expect(await client.exists(volumeKey)).toBe(0)
      expect(String(await lost)).toContain('evicted')
      expect(held.isCurrent()).toBe(false)
    } finally {
      await client.config('SET', 'maxmemory', '0')
      await client.config('SET', 'maxmemory-policy', 'noeviction')
      await client.flushdb()
      await client.quit()
    }
  })

  it('tolerates CONFIG being refused, with a warning by default, or refuses when asked to', async () => {
    await setPolicy('noeviction')
    const client = admin()
    await client.call('ACL', 'SETUSER', 'limited', 'on', '>secret', '~*', '&*', '+@all', '-config')
    await client.quit()
    const limited = { host: server.host, port: server.port, username: 'limited', password: 'secret' }
    const warnings: string[] = []
    const logger = { warn: (message: string) => warnings.push(message) }

    const warned = open({ redis: limited, logger })
    const lease = await warned.acquire('vol-acl', 'a', { autoRenew: false })
    await lease.release()
    await warned.listAttachments('vol-acl')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('cannot read maxmemory-policy')

    await open({ redis: limited, logger, onConfigUnavailable: 'ignore' }).ready()
    expect(warnings).toHaveLength(1)

    await expect(open({ redis: limited, onConfigUnavailable: 'error' }).ready()).rejects.toMatchObject({ code: 'EINVAL', reason: 'EvictionPolicyUnknown' })
  })
})
