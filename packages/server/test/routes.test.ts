import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byteStream, KEY_A, makeFixture, type Fixture } from './helpers.js'

let f: Fixture
let volumeId: string

beforeAll(async () => {
  f = await makeFixture({ quota: { bytesPerGb: 1_000_000 } })
  const created = await f.json('POST', '/volumes', { name: 'main', sizeGb: 10, labels: { env: 'test' } })
  expect(created.status).toBe(201)
  volumeId = created.body.volumeId
})
afterAll(() => f.cleanup())

const put = (path: string, body: BodyInit, query = '', headers: Record<string, string> = {}): Promise<Response> => f.call('PUT', `/volumes/main/files${path}${query}`, { body, headers })

describe('volumes', () => {
  it('creates, lists and gets volumes by id and by name; the team label stays hidden', async () => {
    expect(await f.json('GET', '/volumes')).toMatchObject({ status: 200, body: [{ name: 'main', volumeId, sizeGb: 10, region: 'local', labels: { env: 'test' } }] })
    const byId = await f.json('GET', `/volumes/${volumeId}`)
    const byName = await f.json('GET', '/volumes/main')
    expect(byId.body).toEqual(byName.body)
    expect(byId.body.labels).toEqual({ env: 'test' })
    expect(new Date(byId.body.createdAt).toISOString()).toBe(byId.body.createdAt)
  })

  it('refuses a taken name (409), a bad name (400), the reserved label (400)', async () => {
    expect(await f.json('POST', '/volumes', { name: 'main' })).toMatchObject({ status: 409, body: { error: { code: 'EEXIST' } } })
    expect(await f.json('POST', '/volumes', { name: 'bad name!' })).toMatchObject({ status: 400, body: { error: { code: 'EINVAL', reason: 'InvalidVolumeName' } } })
    expect(await f.json('POST', '/volumes', { name: 'x', labels: { 'volumes.team': 'team-b' } })).toMatchObject({ status: 400, body: { error: { reason: 'ReservedLabel' } } })
    expect(await f.json('POST', '/volumes', { name: 'x', sizeGb: 'big' })).toMatchObject({ status: 400, body: { error: { code: 'EINVAL' } } })
  })

  it('destroys a volume (204), then it is 404', async () => {
    await f.json('POST', '/volumes', { name: 'doomed' })
    expect((await f.call('DELETE', '/volumes/doomed')).status).toBe(204)
    expect(await f.json('GET', '/volumes/doomed')).toMatchObject({ status: 404, body: { error: { code: 'ENOENT', reason: 'VolumeNotFound' } } })
    expect((await f.call('DELETE', '/volumes/doomed')).status).toBe(404)
  })
})

describe('files', () => {
  it('writes and reads a file with its attributes in headers', async () => {
    const written = await put('/docs/a.txt', 'hello, volumes', '?mode=600&uid=1000&gid=1001')
    expect(written.status).toBe(201)
    expect(await written.json()).toMatchObject({ name: 'a.txt', type: 'file', path: '/docs/a.txt', size: 14, mode: 0o600, uid: 1000, gid: 1001 })
    const read = await f.call('GET', '/volumes/main/files/docs/a.txt')
    expect(read.status).toBe(200)
    expect(read.headers.get('content-length')).toBe('14')
    expect(read.headers.get('x-volume-mode')).toBe('0600')
    expect(read.headers.get('x-volume-uid')).toBe('1000')
    expect(read.headers.get('x-volume-gid')).toBe('1001')
    expect(new Date(read.headers.get('last-modified')!).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect(await read.text()).toBe('hello, volumes')
  })

  it('serves ranges: 206 with Content-Range, 416 past the end, HEAD without a body', async () => {
    await put('/r.txt', '0123456789')
    const middle = await f.call('GET', '/volumes/main/files/r.txt', { headers: { range: 'bytes=2-4' } })
    expect(middle.status).toBe(206)
    expect(middle.headers.get('content-range')).toBe('bytes 2-4/10')
    expect(await middle.text()).toBe('234')
    expect(await (await f.call('GET', '/volumes/main/files/r.txt', { headers: { range: 'bytes=7-' } })).text()).toBe('789')
    expect(await (await f.call('GET', '/volumes/main/files/r.txt', { headers: { range: 'bytes=-3' } })).text()).toBe('789')
    expect(await (await f.call('GET', '/volumes/main/files/r.txt', { headers: { range: 'bytes=5-100' } })).text()).toBe('56789')
    const past = await f.call('GET', '/volumes/main/files/r.txt', { headers: { range: 'bytes=10-' } })
    expect(past.status).toBe(416)
    expect(past.headers.get('content-range')).toBe('bytes */10')
    expect((await past.json()).error.code).toBe('ERANGE')
    const head = await f.call('HEAD', '/volumes/main/files/r.txt')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('10')
    expect(await head.text()).toBe('')
  })

  it('streams a chunked body of several MiB and reads it back', async () => {
    const { stream } = byteStream(3 * 1024 * 1024)
    const response = await put('/big.bin', stream)
    expect(response.status).toBe(201)
    expect((await response.json()).size).toBe(3 * 1024 * 1024)
    const read = await f.call('GET', '/volumes/main/files/big.bin')
    expect((await read.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024)
  })

  it('exclusive writes refuse an existing file (409)', async () => {
    expect((await put('/once', 'a', '?exclusive=true')).status).toBe(201)
    expect(await (await put('/once', 'b', '?exclusive=true')).json()).toMatchObject({ error: { code: 'EEXIST' } })
  })

  it('stat, list with depth, mkdir, metadata', async () => {
    expect(await f.json('GET', '/volumes/main/stat/docs')).toMatchObject({ status: 200, body: { type: 'directory', path: '/docs' } })
    expect(await f.json('POST', '/volumes/main/dirs/tree/a/b', { force: true, mode: 0o700 })).toMatchObject({ status: 201, body: { path: '/tree/a/b', mode: 0o700 } })
    expect(await f.json('POST', '/volumes/main/dirs/tree')).toMatchObject({ status: 409, body: { error: { code: 'EEXIST' } } })
    const shallow = await f.json('GET', '/volumes/main/list/tree')
    expect(shallow.body.map((entry: { path: string }) => entry.path)).toEqual(['/tree/a'])
    const deep = await f.json('GET', '/volumes/main/list/tree?depth=3')
    expect(deep.body.map((entry: { path: string }) => entry.path).sort()).toEqual(['/tree/a', '/tree/a/b'])
    const root = await f.json('GET', '/volumes/main/list/')
    expect(root.body.map((entry: { name: string }) => entry.name)).toContain('docs')
    expect(await f.json('GET', '/volumes/main/list/tree?depth=11')).toMatchObject({ status: 400 })
    expect(await f.json('PATCH', '/volumes/main/files/docs/a.txt', { mode: 0o644, uid: 7 })).toMatchObject({ status: 200, body: { mode: 0o644, uid: 7, gid: 1001 } })
    expect(await f.json('GET', '/volumes/main/stat/nope')).toMatchObject({ status: 404, body: { error: { code: 'ENOENT', path: '/nope' } } })
    expect(await f.json('GET', '/volumes/main/stat/docs/a.txt/under')).toMatchObject({ status: 409, body: { error: { code: 'ENOTDIR' } } })
    expect(await f.json('GET', '/volumes/main/files/docs')).toMatchObject({ status: 409, body: { error: { code: 'EISDIR' } } })
  })

  it('rename and copy', async () => {
    await put('/mv/from.txt', 'moving')
    expect(await f.json('POST', '/volumes/main/rename', { from: '/mv/from.txt', to: '/mv/to.txt' })).toMatchObject({ status: 200, body: { path: '/mv/to.txt', size: 6 } })
    expect(await f.json('GET', '/volumes/main/stat/mv/from.txt')).toMatchObject({ status: 404 })
    expect(await f.json('POST', `/volumes/${volumeId}/copy`, { from: '/mv', to: '/mv2', recursive: true })).toMatchObject({ status: 200, body: { path: '/mv2', type: 'directory' } })
    expect(await (await f.call('GET', '/volumes/main/files/mv2/to.txt')).text()).toBe('moving')
    expect(await f.json('POST', '/volumes/main/rename', { from: '/mv' })).toMatchObject({ status: 400, body: { error: { code: 'EINVAL' } } })
  })

  it('remove: 204, 404 when missing unless force, 409 for a non-empty directory unless recursive', async () => {
    await put('/rm/x', 'x')
    expect((await f.call('DELETE', '/volumes/main/files/rm')).status).toBe(409)
    expect((await f.call('DELETE', '/volumes/main/files/rm/x')).status).toBe(204)
    expect((await f.call('DELETE', '/volumes/main/files/rm/x')).status).toBe(404)
    expect((await f.call('DELETE', '/volumes/main/files/rm/x?force=true')).status).toBe(204)
    await put('/rm/y/z', 'z')
    expect((await f.call('DELETE', '/volumes/main/files/rm?recursive=true')).status).toBe(204)
    expect((await f.json('GET', '/volumes/main/stat/rm')).status).toBe(404)
  })

  it('a write past the quota is 507 ENOSPC', async () => {
    await f.json('POST', '/volumes', { name: 'tiny', sizeGb: 1 })
    const response = await f.call('PUT', '/volumes/tiny/files/too-big', { body: new Uint8Array(1_500_000) })
    expect(response.status).toBe(507)
    expect((await response.json()).error.code).toBe('ENOSPC')
  })
})

describe('tokens', () => {
  it('a volume token reads and writes its volume; a read-only one cannot write (403 EROFS)', async () => {
    const made = await f.json('POST', '/volumes/main/tokens', { ttlSeconds: 60 })
    expect(made).toMatchObject({ status: 201, body: { token: expect.stringMatching(/^vt_/), volumeId, readOnly: false } })
    expect(Date.parse(made.body.expiresAt)).toBeGreaterThan(Date.now() + 50_000)
    const token = made.body.token as string
    expect((await f.call('PUT', '/volumes/main/files/by-token', { body: 't', key: token })).status).toBe(201)
    expect(await (await f.call('GET', `/volumes/${volumeId}/files/by-token`, { key: token })).text()).toBe('t')
    expect((await f.json('GET', '/volumes/main', undefined, token)).status).toBe(200)
    expect((await f.json('POST', '/volumes/main/tokens', {}, token)).body.error.code).toBe('EACCES')
    expect((await f.call('DELETE', '/volumes/main', { key: token })).status).toBe(403)
    expect((await f.call('GET', '/volumes', { key: token })).status).toBe(403)

    const readOnly = (await f.json('POST', '/volumes/main/tokens', { readOnly: true })).body.token as string
    expect((await f.call('GET', '/volumes/main/files/by-token', { key: readOnly })).status).toBe(200)
    for (const [method, path] of [['PUT', '/volumes/main/files/ro'], ['DELETE', '/volumes/main/files/by-token'], ['POST', '/volumes/main/dirs/ro'], ['PATCH', '/volumes/main/files/by-token']] as const) {
      const response = await f.call(method, path, { body: method === 'PUT' ? 'x' : '{}', key: readOnly })
      expect(response.status, `${method} ${path}`).toBe(403)
      expect((await response.json()).error.code).toBe('EROFS')
    }
    expect((await f.json('POST', '/volumes/main/rename', { from: '/by-token', to: '/moved' }, readOnly)).body.error.code).toBe('EROFS')
    expect((await f.json('GET', '/volumes/main/stat/by-token')).status).toBe(200)
  })

  it('refuses a bad ttl (400)', async () => {
    expect((await f.json('POST', '/volumes/main/tokens', { ttlSeconds: 0 })).status).toBe(400)
    expect((await f.json('POST', '/volumes/main/tokens', { ttlSeconds: 10 ** 9 })).status).toBe(400)
  })
})

describe('attachments', () => {
  it('attach, conflict (423), list, renew, token writes, release (idempotent), then the token is dead', async () => {
    await f.json('POST', '/volumes', { name: 'shared-data' })
    const attached = await f.json('POST', '/attachments', { holderId: 'sandbox-1', mounts: { '/mnt/data': 'shared-data', '/mnt/new': { name: 'made-on-attach', sizeGb: 2 } }, ttlMs: 60_000 })
    expect(attached.status).toBe(201)
    expect(attached.body).toMatchObject({ holderId: 'sandbox-1', mode: 'exclusive' })
    const mounts = attached.body.mounts as Array<{ path: string; name: string; token: string; volumeId: string; expiresAt: string }>
    expect(mounts.map((mount) => [mount.path, mount.name])).toEqual([['/mnt/data', 'shared-data'], ['/mnt/new', 'made-on-attach']])
    expect((await f.json('GET', '/volumes/made-on-attach')).body).toMatchObject({ sizeGb: 2 })

    const conflict = await f.json('POST', '/attachments', { holderId: 'sandbox-2', mounts: { '/data': 'shared-data' } })
    expect(conflict).toMatchObject({ status: 423, body: { error: { code: 'EBUSY', reason: 'VolumeAttached' } } })
    expect((await f.call('DELETE', '/volumes/shared-data')).status).toBe(423)

    const byHolder = await f.json('GET', '/attachments/sandbox-1')
    expect(byHolder.body.map((lease: { path: string }) => lease.path).sort()).toEqual(['/mnt/data', '/mnt/new'])
    expect(byHolder.body[0]).toMatchObject({ holderId: 'sandbox-1', mode: 'exclusive', token: expect.any(Number) })
    expect((await f.json('GET', '/volumes/shared-data/attachments')).body).toMatchObject([{ holderId: 'sandbox-1', volumeId: mounts[0]!.volumeId }])

    const token = mounts[0]!.token
    expect((await f.call('PUT', '/volumes/shared-data/files/from-sandbox', { body: 's', key: token })).status).toBe(201)
    expect((await f.call('GET', '/volumes/main/files/docs/a.txt', { key: token })).status).toBe(404)

    const renewed = await f.json('POST', '/attachments/sandbox-1/renew', { ttlMs: 120_000 })
    expect(renewed.status).toBe(200)
    expect(renewed.body.mounts.map((mount: { path: string }) => mount.path)).toEqual(['/mnt/data', '/mnt/new'])
    expect(Date.parse(renewed.body.mounts[0].expiresAt)).toBeGreaterThan(Date.parse(mounts[0]!.expiresAt))
    expect((await f.call('PUT', '/volumes/shared-data/files/after-renew', { body: 's', key: token })).status).toBe(201)

    expect((await f.call('DELETE', '/attachments/sandbox-1')).status).toBe(204)
    expect((await f.call('DELETE', '/attachments/sandbox-1')).status).toBe(204)
    expect((await f.json('GET', '/attachments/sandbox-1')).body).toEqual([])
    const dead = await f.call('PUT', '/volumes/shared-data/files/after-release', { body: 's', key: token })
    expect(dead.status).toBe(423)
    expect((await dead.json()).error.reason).toBe('LeaseLost')
    expect(await f.json('POST', '/attachments/sandbox-1/renew', {})).toMatchObject({ status: 404, body: { error: { reason: 'NotAttached' } } })
    expect((await f.json('POST', '/attachments', { holderId: 'sandbox-2', mounts: { '/data': 'shared-data' } })).status).toBe(201)
    expect((await f.call('DELETE', '/volumes/shared-data?force=true')).status).toBe(204)
  })

  it('a readonly attachment hands out tokens that cannot write', async () => {
    await f.json('POST', '/volumes', { name: 'ro-data' })
    const attached = await f.json('POST', '/attachments', { holderId: 'reader', mounts: { '/ro': 'ro-data' }, mode: 'readonly' })
    const token = attached.body.mounts[0].token
    expect((await f.call('GET', '/volumes/ro-data/list/', { key: token })).status).toBe(200)
    const refused = await f.call('PUT', '/volumes/ro-data/files/x', { body: 'x', key: token })
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('EROFS')
    expect(await f.json('POST', '/attachments', { holderId: 'x', mounts: { '/': 'ro-data' } })).toMatchObject({ status: 400, body: { error: { reason: 'InvalidMountPath' } } })
    expect(await f.json('POST', '/attachments', { holderId: 'x', mounts: { '/m': 'missing-volume' } })).toMatchObject({ status: 404 })
    await f.call('DELETE', '/attachments/reader')
  })
})

describe('service routes', () => {
  it('healthz and openapi.json need no key; metrics needs one', async () => {
    expect(await (await f.call('GET', '/healthz', { key: undefined })).json()).toEqual({ ok: true })
    expect((await (await f.call('GET', '/openapi.json', { key: undefined })).json()).openapi).toBe('3.1.0')
    expect((await f.call('GET', '/metrics', { key: undefined })).status).toBe(401)
    const metrics = await (await f.call('GET', '/metrics', { key: KEY_A })).text()
    for (const name of ['volumes_operations_total', 'volumes_http_requests_total', 'volumes_bytes_in_total', 'volumes_bytes_out_total', 'volumes_operation_duration_seconds_bucket', 'volumes_errors_total']) {
      expect(metrics).toContain(name)
    }
    expect(metrics).toMatch(/volumes_errors_total\{code="ENOENT",op="stat"\} \d+/)
    expect(metrics).toMatch(/volumes_bytes_in_total\{op="writeFile"\} \d+/)
  })
})
