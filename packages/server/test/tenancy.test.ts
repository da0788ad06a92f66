import { VolumeTokens } from '@volumes/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEY_A, KEY_B, makeFixture, SECRET, type Fixture } from './helpers.js'

let f: Fixture
let privateId: string
let otherId: string

beforeAll(async () => {
  f = await makeFixture()
  privateId = (await f.json('POST', '/volumes', { name: 'private' })).body.volumeId
  otherId = (await f.json('POST', '/volumes', { name: 'other' })).body.volumeId
  await f.call('PUT', '/volumes/private/files/secret.txt', { body: 'team a only' })
})
afterAll(() => f.cleanup())

/** The error of a request, with the volume reference replaced so that two answers can be compared. */
async function errorOf(response: Response, reference: string): Promise<unknown> {
  const body = await response.json()
  return { status: response.status, body: JSON.parse(JSON.stringify(body).replaceAll(reference, '<volume>')) }
}

describe('another team', () => {
  const routes: Array<[string, (volume: string) => string, unknown?]> = [
    ['GET', (v) => `/volumes/${v}`],
    ['DELETE', (v) => `/volumes/${v}`],
    ['GET', (v) => `/volumes/${v}/files/secret.txt`],
    ['PUT', (v) => `/volumes/${v}/files/intruder.txt`, 'x'],
    ['GET', (v) => `/volumes/${v}/stat/secret.txt`],
    ['GET', (v) => `/volumes/${v}/list/`],
    ['DELETE', (v) => `/volumes/${v}/files/secret.txt`],
    ['PATCH', (v) => `/volumes/${v}/files/secret.txt`, '{"mode":511}'],
    ['POST', (v) => `/volumes/${v}/dirs/x`, '{}'],
    ['POST', (v) => `/volumes/${v}/rename`, '{"from":"/secret.txt","to":"/mine.txt"}'],
    ['POST', (v) => `/volumes/${v}/copy`, '{"from":"/secret.txt","to":"/mine.txt"}'],
    ['POST', (v) => `/volumes/${v}/tokens`, '{}'],
    ['GET', (v) => `/volumes/${v}/attachments`],
  ]

  it("gets exactly a missing volume's 404 for team A's volume, by id and by name, on every route", async () => {
    for (const [method, route, body] of routes) {
      for (const reference of [privateId, 'private']) {
        const theirs = await errorOf(await f.call(method, route(reference), { key: KEY_B, body: (body as string | undefined) ?? null }), reference)
        const missing = await errorOf(await f.call(method, route('no-such-volume'), { key: KEY_B, body: (body as string | undefined) ?? null }), 'no-such-volume')
        expect(theirs, `${method} ${route(reference)}`).toEqual(missing)
        expect(theirs).toMatchObject({ status: 404, body: { error: { code: 'ENOENT', reason: 'VolumeNotFound' } } })
      }
    }
    expect(await (await f.call('GET', '/volumes/private/files/secret.txt')).text()).toBe('team a only')
    expect((await f.json('GET', '/volumes/private/stat/intruder.txt')).status).toBe(404)
  })

  it('does not list them, and cannot attach them', async () => {
    expect((await f.json('GET', '/volumes', undefined, KEY_B)).body).toEqual([])
    expect((await f.json('GET', '/volumes', undefined, KEY_A)).body.map((v: { name: string }) => v.name)).toEqual(['other', 'private'])
    for (const reference of [privateId, 'private']) {
      expect(await f.json('POST', '/attachments', { holderId: 'b-sandbox', mounts: { '/m': reference } }, KEY_B)).toMatchObject({ status: 404, body: { error: { reason: 'VolumeNotFound' } } })
    }
    // Names are unique per store: taking one another team holds is 409 (it tells only that the name is taken).
    expect(await f.json('POST', '/attachments', { holderId: 'b-sandbox', mounts: { '/m': { name: 'private' } } }, KEY_B)).toMatchObject({ status: 409, body: { error: { code: 'EEXIST' } } })
    expect(await f.json('POST', '/volumes', { name: 'private' }, KEY_B)).toMatchObject({ status: 409 })
    // A name shaped like a volume id could shadow another team's id: refused.
    expect(await f.json('POST', '/attachments', { holderId: 'b-sandbox', mounts: { '/m': { name: privateId } } }, KEY_B)).toMatchObject({ status: 400, body: { error: { reason: 'InvalidVolumeName' } } })
    expect(await f.json('POST', '/volumes', { name: privateId }, KEY_B)).toMatchObject({ status: 400 })
  })

  it('has its own holder namespace', async () => {
    expect((await f.json('POST', '/attachments', { holderId: 'sandbox', mounts: { '/m': 'other' } }, KEY_A)).status).toBe(201)
    expect((await f.json('GET', '/attachments/sandbox', undefined, KEY_B)).body).toEqual([])
    expect((await f.call('DELETE', '/attachments/sandbox', { key: KEY_B })).status).toBe(204)
    expect((await f.json('GET', '/attachments/sandbox', undefined, KEY_A)).body).toHaveLength(1)
    expect((await f.json('POST', '/attachments/sandbox/renew', {}, KEY_B)).status).toBe(404)
    await f.call('DELETE', '/attachments/sandbox', { key: KEY_A })
  })
})

describe('volume tokens', () => {
  it('cannot reach another volume of the same team, by id or by name', async () => {
    const token = (await f.json('POST', '/volumes/other/tokens', {})).body.token as string
    expect((await f.call('GET', '/volumes/other/list/', { key: token })).status).toBe(200)
    for (const reference of [privateId, 'private']) {
      for (const path of [`/volumes/${reference}`, `/volumes/${reference}/files/secret.txt`, `/volumes/${reference}/list/`]) {
        const response = await f.call('GET', path, { key: token })
        expect(response.status, path).toBe(404)
        expect((await response.json()).error.reason).toBe('VolumeNotFound')
      }
      expect((await f.call('PUT', `/volumes/${reference}/files/x`, { key: token, body: 'x' })).status).toBe(404)
    }
  })

  it('signed for another team does not reach this team’s volume', async () => {
    const forged = new VolumeTokens(SECRET).sign({ volumeId: privateId, team: 'team-b', readOnly: false, expiresAt: Date.now() + 60_000 })
    expect((await f.call('GET', `/volumes/${privateId}/files/secret.txt`, { key: forged })).status).toBe(404)
  })

  it('tampered, wrongly signed or expired: 401', async () => {
    const token = (await f.json('POST', `/volumes/${otherId}/tokens`, { readOnly: true })).body.token as string
    const [payload, signature] = token.slice(3).split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const tampered = `vt_${Buffer.from(JSON.stringify({ ...claims, r: 0, v: privateId })).toString('base64url')}.${signature}`
    const otherSecret = new VolumeTokens('another-secret-0123456789abcdef01234567').sign({ volumeId: privateId, team: 'team-a', readOnly: false, expiresAt: Date.now() + 60_000 })
    const expired = new VolumeTokens(SECRET).sign({ volumeId: privateId, team: 'team-a', readOnly: false, expiresAt: Date.now() - 1 })
    for (const credential of [tampered, otherSecret, expired, `${token}x`, 'vt_', 'vt_a.b']) {
      const response = await f.call('GET', `/volumes/${privateId}/files/secret.txt`, { key: credential })
      expect(response.status).toBe(401)
      expect((await response.json()).error.code).toBe('EAUTH')
    }
  })
})

describe('volumes without a team', () => {
  it('are invisible unless the handler names a team for them', async () => {
    await f.store.create('made-by-cli')
    expect((await f.json('GET', '/volumes/made-by-cli')).status).toBe(404)
    const adopting = await makeFixture({ handler: { auth: { apiKeys: { [KEY_A]: 'team-a', [KEY_B]: 'team-b' }, unownedTeam: 'team-a' } } })
    try {
      await adopting.store.create('made-by-cli')
      expect((await adopting.json('GET', '/volumes/made-by-cli')).status).toBe(200)
      expect((await adopting.json('GET', '/volumes/made-by-cli', undefined, KEY_B)).status).toBe(404)
    } finally {
      await adopting.cleanup()
    }
  })
})
