import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Attachment, isVolumeError, Volume, type VolumeError } from '@volumes/client'
import { startLocalServer, type ServerFixture } from './fixture.js'

let fixture: ServerFixture
const unique = (): string => `t-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const rejection = async (promise: Promise<unknown>): Promise<VolumeError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), String(error)).toBe(true)
  return error as VolumeError
}

beforeAll(async () => {
  fixture = await startLocalServer()
})
afterAll(async () => {
  await fixture.close()
})

describe('volume tokens', () => {
  it('a read-only token reads its volume, writes nothing (EROFS), and reaches no other volume', async () => {
    const volume = await Volume.create(unique(), fixture.connection)
    const other = await Volume.create(unique(), fixture.connection)
    await volume.writeFile('/shared.txt', 'for the sandbox')
    const { token, expiresAt } = await volume.createToken({ readOnly: true, ttlSeconds: 600 })
    expect(token).toMatch(/^vt_/)
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 500_000)
    const inSandbox = await Volume.connect(volume.volumeId, { apiUrl: fixture.url, apiKey: token })
    expect(await inSandbox.readFile('/shared.txt')).toBe('for the sandbox')
    expect((await inSandbox.list('/')).map((e) => e.name)).toEqual(['shared.txt'])
    expect((await rejection(inSandbox.writeFile('/new.txt', 'x'))).code).toBe('EROFS')
    expect((await rejection(inSandbox.remove('/shared.txt'))).code).toBe('EROFS')
    expect((await rejection(Volume.connect(other.volumeId, { apiUrl: fixture.url, apiKey: token }))).code).toBe('ENOENT')
    expect((await rejection(new Volume(other.info, { apiUrl: fixture.url, apiKey: token }).readFile('/x'))).code).toBe('ENOENT')
    expect(await volume.exists('/new.txt')).toBe(false)
  })

  it('a read-write token writes its volume but cannot manage volumes', async () => {
    const volume = await Volume.create(unique(), fixture.connection)
    const { token } = await volume.createToken()
    const inSandbox = new Volume(volume.info, { apiUrl: fixture.url, apiKey: token })
    await inSandbox.writeFile('/from-sandbox.txt', 'hi')
    expect(await volume.readFile('/from-sandbox.txt')).toBe('hi')
    expect((await rejection(Volume.list({ apiUrl: fixture.url, apiKey: token }))).code).toBe('EACCES')
    expect((await rejection(Volume.destroy(volume.volumeId, { apiUrl: fixture.url, apiKey: token }))).code).toBe('EACCES')
  })
})

describe('attachments', () => {
  it('attach, use the mount token, list, renew, conflict, release', async () => {
    const data = await Volume.create(unique(), fixture.connection)
    const holderId = `sandbox-${unique()}`
    const attachment = await Attachment.attach(holderId, { '/mnt/data': data.name, '/mnt/fresh': { name: unique(), sizeGb: 1 } }, { ...fixture.connection, ttlMs: 60_000 })
    expect(attachment.mounts.map((m) => m.path)).toEqual(['/mnt/data', '/mnt/fresh'])
    expect(attachment.mounts[0]).toMatchObject({ volumeId: data.volumeId, name: data.name, mode: 'exclusive' })
    expect(attachment.mounts[0]!.tokenExpiresAt).toBeInstanceOf(Date)
    await attachment.volume('/mnt/data/').writeFile('/hello.txt', 'mounted')
    expect(await data.readFile('/hello.txt')).toBe('mounted')
    expect((await Attachment.listByHolder(holderId, fixture.connection)).map((l) => l.volumeId).sort()).toEqual(attachment.mounts.map((m) => m.volumeId).sort())
    const [lease] = await Attachment.listByVolume(data.name, fixture.connection)
    expect(lease).toMatchObject({ holderId, mode: 'exclusive' })
    expect(lease!.expiresAt).toBeInstanceOf(Date)

    const taken = await rejection(Attachment.attach(`other-${unique()}`, { '/data': data.volumeId }, fixture.connection))
    expect(taken.code).toBe('EBUSY')
    expect(taken.message).toContain(`Volume "${data.name}" is already attached`)
    expect((await rejection(Volume.destroy(data.volumeId, fixture.connection))).code).toBe('EBUSY')

    const before = attachment.mounts[0]!.expiresAt.getTime()
    await new Promise((resolve) => setTimeout(resolve, 20))
    await attachment.renew({ ttlMs: 120_000 })
    expect(attachment.mounts[0]!.expiresAt.getTime()).toBeGreaterThan(before)
    expect((await rejection(Promise.resolve().then(() => attachment.volume('/elsewhere')))).reason).toBe('NotMounted')

    await attachment.release()
    await Attachment.release(holderId, fixture.connection)
    expect(await Attachment.listByHolder(holderId, fixture.connection)).toEqual([])
    expect(await Volume.destroy(data.volumeId, fixture.connection)).toBe(true)
  })

  it('a readonly attachment hands out tokens that cannot write', async () => {
    const data = await Volume.create(unique(), fixture.connection)
    const attachment = await Attachment.attach(`reader-${unique()}`, { '/ro': data }, { ...fixture.connection, mode: 'readonly' })
    expect(attachment.mounts[0]!.mode).toBe('readonly')
    expect((await rejection(attachment.volume('/ro').writeFile('/x', 'x'))).code).toBe('EROFS')
    await attachment.release()
  })
})
