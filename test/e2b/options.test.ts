import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { VolumeStore } from '@volumes/core'
import { createVolumesHandler, VolumeTokens } from '@volumes/server'
import { LocalBlobStore } from '@volumes/local'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const roots: string[] = []
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true })
})
const key = `e2b-options-${randomBytes(12).toString('hex')}`
const secret = randomBytes(32)

async function handler(e2b?: Parameters<typeof createVolumesHandler>[0]['e2b']) {
  const root = await mkdtemp(join(tmpdir(), 'volumes-e2b-options-'))
  roots.push(root)
  return createVolumesHandler({ store: new VolumeStore({ blobs: new LocalBlobStore({ root }) }), auth: { apiKeys: { [key]: 'team-a' }, tokenSecret: secret }, logger: false, ...(e2b === undefined ? {} : { e2b }) })
}
const call = (h: Awaited<ReturnType<typeof handler>>, method: string, path: string, body?: unknown) =>
  h.fetch(new Request(`http://127.0.0.1${path}`, { method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }))

describe('the e2b option of createVolumesHandler', () => {
  it('mounts under /e2b by default, with tokens valid for maxTokenTtlSeconds', async () => {
    const h = await handler()
    const before = Date.now()
    const created = await call(h, 'POST', '/e2b/volumes', { name: 'default-prefix' })
    expect(created.status).toBe(201)
    const record = (await created.json()) as { volumeID: string; name: string; token: string }
    expect(record).toMatchObject({ name: 'default-prefix', volumeID: expect.stringMatching(/^vol-/) })
    const claims = new VolumeTokens(secret).verify(record.token)!
    expect(claims).toMatchObject({ volumeId: record.volumeID, team: 'team-a', readOnly: false })
    expect(claims.expiresAt - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000)
    expect(claims.expiresAt - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000)
    expect(h.openapi.paths['/e2b/volumes']).toBeDefined()
  })

  it('takes another prefix and token lifetime; the default place is then no route', async () => {
    const h = await handler({ prefix: '/compat/e2b', tokenTtlSeconds: 60 })
    const before = Date.now()
    const created = await call(h, 'POST', '/compat/e2b/volumes', { name: 'other-prefix' })
    expect(created.status).toBe(201)
    const claims = new VolumeTokens(secret).verify(((await created.json()) as { token: string }).token)!
    expect(claims.expiresAt - before).toBeGreaterThanOrEqual(60_000)
    expect(claims.expiresAt - Date.now()).toBeLessThanOrEqual(60_000)
    const missing = await call(h, 'GET', '/e2b/volumes')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'ENOENT', reason: 'NoSuchRoute' } })
    const unknown = await call(h, 'GET', '/compat/e2b/nothing')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 404, error_code: 'ENOENT', reason: 'NoSuchRoute' })
    const wrongMethod = await call(h, 'PUT', '/compat/e2b/volumes')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET')
  })

  it('false leaves it out (and out of the OpenAPI document)', async () => {
    const h = await handler(false)
    const response = await call(h, 'GET', '/e2b/volumes')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'ENOENT', reason: 'NoSuchRoute' } })
    expect(Object.keys(h.openapi.paths).filter((path) => path.startsWith('/e2b'))).toEqual([])
  })

  it('refuses the root, trailing slashes and dot segments as a prefix', async () => {
    for (const prefix of ['', '/', '/e2b/', 'e2b', '/a/../b', '/a b']) await expect(handler({ prefix }), prefix).rejects.toThrow(TypeError)
    await expect(handler({ tokenTtlSeconds: 0 })).rejects.toThrow(TypeError)
  })
})
