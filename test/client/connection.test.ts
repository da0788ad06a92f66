import { createServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError, Volume, type VolumeError } from '@volumes/client'
import { startLocalServer, type ServerFixture } from './fixture.js'

let fixture: ServerFixture
const saved = { url: process.env.VOLUMES_API_URL, key: process.env.VOLUMES_API_KEY }
const unique = (): string => `c-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const rejection = async (promise: Promise<unknown>): Promise<VolumeError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), String(error)).toBe(true)
  return error as VolumeError
}
/** A URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

beforeAll(async () => {
  fixture = await startLocalServer()
})
afterAll(async () => {
  await fixture.close()
})
afterEach(() => {
  for (const [name, value] of [['VOLUMES_API_URL', saved.url], ['VOLUMES_API_KEY', saved.key]] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

describe('connection', () => {
  it('comes from VOLUMES_API_URL and VOLUMES_API_KEY when no options are given', async () => {
    process.env.VOLUMES_API_URL = fixture.url
    process.env.VOLUMES_API_KEY = fixture.apiKey
    const name = unique()
    const volume = await Volume.create(name)
    await volume.writeFile('/hello.txt', 'from env')
    expect((await Volume.list()).map((v) => v.name)).toContain(name)
    expect(await (await Volume.connect(name)).readFile('/hello.txt')).toBe('from env')
    expect((await Volume.getInfo(volume.volumeId)).name).toBe(name)
    expect(await Volume.destroy(name)).toBe(true)
  })

  it('explicit { apiUrl, apiKey } override the environment, each on its own', async () => {
    process.env.VOLUMES_API_URL = await deadUrl()
    process.env.VOLUMES_API_KEY = 'wrong-key-0123456789'
    const name = unique()
    await Volume.create(name, { apiUrl: fixture.url, apiKey: fixture.apiKey })
    process.env.VOLUMES_API_URL = fixture.url
    expect((await Volume.getInfo(name, { apiKey: fixture.apiKey })).name).toBe(name)
    process.env.VOLUMES_API_KEY = fixture.apiKey
    const dead = await rejection(Volume.getInfo(name, { apiUrl: await deadUrl() }))
    expect(dead).toMatchObject({ code: 'EIO', temporary: true, reason: 'NetworkError' })
    expect(await Volume.destroy(name)).toBe(true)
  })

  it('neither options nor environment: EINVAL saying what to set, before any request', async () => {
    delete process.env.VOLUMES_API_URL
    delete process.env.VOLUMES_API_KEY
    const error = await rejection(Volume.list())
    expect(error).toMatchObject({ code: 'EINVAL', reason: 'MissingConnection' })
    expect(error.message).toContain('VOLUMES_API_URL')
    delete process.env.VOLUMES_API_KEY
    expect((await rejection(Volume.list({ apiUrl: fixture.url }))).message).toContain('VOLUMES_API_KEY')
  })

  it('a wrong key is a 401 VolumeError (EACCES) that says what to check', async () => {
    const error = await rejection(Volume.list({ apiUrl: fixture.url, apiKey: 'wrong-key-0123456789' }))
    expect(error).toMatchObject({ code: 'EACCES', reason: 'Unauthorized', temporary: false })
    expect(error.message).toContain('HTTP 401')
    expect(error.message).toContain('invalid credentials')
    expect(error.message).toContain('VOLUMES_API_KEY')
    expect(error.message).not.toContain('wrong-key')
  })

  it("another team's key sees none of this team's volumes, by id or by name", async () => {
    const mine = await Volume.create(unique(), fixture.connection)
    const theirs = { apiUrl: fixture.url, apiKey: fixture.otherKey }
    expect((await rejection(Volume.connect(mine.volumeId, theirs))).code).toBe('ENOENT')
    expect((await rejection(Volume.getInfo(mine.name, theirs))).code).toBe('ENOENT')
    expect((await Volume.list(theirs)).map((v) => v.volumeId)).not.toContain(mine.volumeId)
    expect(await Volume.destroy(mine.volumeId, theirs)).toBe(false)
    const intruder = new Volume(mine.info, theirs)
    expect((await rejection(intruder.readFile('/x'))).code).toBe('ENOENT')
    expect(await Volume.destroy(mine.volumeId, fixture.connection)).toBe(true)
  })
})
