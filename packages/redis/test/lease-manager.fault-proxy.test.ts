import { afterAll, afterEach, expect, it } from 'vitest'
import { isVolumeError, type Lease, type VolumeError } from '@volumes/core'
import { RedisLeaseManager } from '@volumes/redis'
import { describeWithService, provideService, startRedis, startToxiproxy, type FaultProxy, type RedisService, type ToxiproxyService } from '@volumes/testkit'

// redis-server behind toxiproxy: latency, bandwidth, cut and reset connections, silence, refusal.
// Every outcome is a typed error or a completed call; the lease's own clock bounds the rest.
const redis = (await provideService('redis-server', () => startRedis())) as RedisService | undefined
const toxiproxy = (await provideService('toxiproxy', startToxiproxy)) as ToxiproxyService | undefined
const managers: RedisLeaseManager[] = []
afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((manager) => manager.close()))
})
afterAll(async () => {
  await toxiproxy?.stop()
  await redis?.stop()
})

const settle = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)
function expectTemporary(error: unknown, code?: VolumeError['code']): void {
  expect(isVolumeError(error), `expected a VolumeError, got ${String(error)}`).toBe(true)
  if (code) expect((error as VolumeError).code, String(error)).toBe(code)
  expect((error as VolumeError).temporary, String(error)).toBe(true)
}
const lostSignal = (lease: Lease): Promise<unknown> => new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }))

describeWithService('RedisLeaseManager through a fault proxy', redis && toxiproxy, () => {
  const service = (): RedisService => redis!
  let prefix = 0
  /**
   * A manager through a fresh proxy (one retry per command; `commandTimeout` short where a test
   * waits for silence to time out, generous elsewhere) and one straight to Redis, on the same keys.
   */
  async function managersOn(commandTimeout = 10_000): Promise<{ proxy: FaultProxy; through: RedisLeaseManager; direct: RedisLeaseManager }> {
    const proxy = await toxiproxy!.proxy(`${service().host}:${service().port}`)
    const keyPrefix = `fault${Date.now()}-${++prefix}`
    const through = new RedisLeaseManager({
      redis: { host: proxy.host, port: proxy.port, commandTimeout, maxRetriesPerRequest: 1, retryStrategy: () => 50 },
      keyPrefix,
      checkIntervalMs: 0,
      logger: { warn: () => undefined },
    })
    const direct = new RedisLeaseManager({ redis: { host: service().host, port: service().port }, keyPrefix, checkIntervalMs: 0 })
    managers.push(through, direct)
    await through.ready()
    return { proxy, through, direct }
  }

  it('latency and a bandwidth limit both ways: acquire, renew, validate and release complete', async () => {
    const { proxy, through, direct } = await managersOn()
    await proxy.add({ kind: 'latency', ms: 50, direction: 'downstream' })
    await proxy.add({ kind: 'latency', ms: 50, direction: 'upstream' })
    await proxy.add({ kind: 'bandwidth', kbPerSecond: 8, direction: 'upstream' })
    const lease = await through.acquire('vol-slow', 'h1', { ttlMs: 10_000, autoRenew: false })
    await lease.renew()
    expect(await through.validate('vol-slow', 'h1', lease.token)).toBe(true)
    expect(await direct.validate('vol-slow', 'h1', lease.token)).toBe(true)
    await lease.release()
    expect(await direct.listAttachments('vol-slow')).toEqual([])
  })

  it('connections reset or cut mid-reply: a temporary error; once cleared, the renewal completes and the lease holds', async () => {
    const { proxy, through, direct } = await managersOn()
    const lease = await through.acquire('vol-reset', 'h1', { ttlMs: 20_000, autoRenew: false })
    await proxy.add({ kind: 'reset', afterMs: 0 })
    expectTemporary(await settle(lease.renew()))
    await proxy.clear()
    await proxy.add({ kind: 'cut', bytes: 3 })
    expectTemporary(await settle(through.listAttachments('vol-reset')))
    await proxy.clear()
    await lease.renew()
    expect(lease.lost).toBe(false)
    expect((await direct.listAttachments('vol-reset')).map((info) => info.token)).toEqual([lease.token])
  })

  it('a server that stops answering: commands end in ETIMEDOUT and the held lease is lost by its own clock; another holder gets it after the TTL', async () => {
    const { proxy, through, direct } = await managersOn(1_000)
    const lease = await through.acquire('vol-silent', 'h1', { ttlMs: 1_500 })
    const lost = lostSignal(lease)
    await proxy.add({ kind: 'silence' })
    await proxy.add({ kind: 'silence', direction: 'upstream' })
    expectTemporary(await settle(through.acquire('vol-other', 'h1', { ttlMs: 5_000 })), 'ETIMEDOUT')
    expect(isVolumeError(await lost, 'EBUSY')).toBe(true)
    expect(lease.lost).toBe(true)
    // The local clock runs out first (it starts before Redis's); Redis frees the key a moment later.
    let next: Lease | undefined
    for (let attempt = 0; !next && attempt < 40; attempt++) {
      next = await direct.acquire('vol-silent', 'h2', { ttlMs: 5_000 }).catch(async (error: unknown) => {
        if (!isVolumeError(error, 'EBUSY')) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
        return undefined
      })
    }
    expect(next?.token).toBeGreaterThan(lease.token)
    await next?.release()
  })

  it('a silent server with the default client options: the command still ends, in ETIMEDOUT (the manager\'s default command timeout)', async () => {
    const proxy = await toxiproxy!.proxy(`${service().host}:${service().port}`)
    const manager = new RedisLeaseManager({ redis: { host: proxy.host, port: proxy.port }, keyPrefix: `fault-default${Date.now()}`, checkIntervalMs: 0, logger: { warn: () => undefined } })
    managers.push(manager)
    await manager.ready()
    await proxy.add({ kind: 'silence' })
    expectTemporary(await settle(manager.acquire('vol-default', 'h1', { ttlMs: 5_000 })), 'ETIMEDOUT')
  })

  it('the server gone (connections refused): a temporary error; back, the acquire completes', async () => {
    const { proxy, through } = await managersOn()
    await proxy.disable()
    expectTemporary(await settle(through.acquire('vol-gone', 'h1', { ttlMs: 5_000 })))
    await proxy.enable()
    const lease = await through.acquire('vol-gone', 'h1', { ttlMs: 5_000 })
    expect(lease.lost).toBe(false)
    await lease.release()
  })
})
