import { Redis } from 'ioredis'
import { afterAll, afterEach, expect, it } from 'vitest'
import { RedisLeaseManager, type RedisLeaseManagerOptions } from '@volumes/redis'
import { describeWithService, provideService, startRedis, type RedisService } from '@volumes/testkit'

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
