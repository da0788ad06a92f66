import { readdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { dirname } from 'node:path'
import { startVolumesServer, type VolumesServer } from '@volumes/server'
import { recordKeys } from '@volumes/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byteStream, KEY_A, KEY_B, makeFixture, type Fixture } from './helpers.js'

const LIMIT = 1024 * 1024
let f: Fixture
let touched: string[]
let targetId: string
let neighbourId: string
let token: string
let server: VolumesServer
let outsideBefore: string[]

beforeAll(async () => {
  f = await makeFixture({
    wrap: (blobs) => {
      const recorded = recordKeys(blobs)
      touched = recorded.touched
      return recorded.store
    },
    handler: { limits: { maxFileBytes: LIMIT, bufferBelowBytes: 64 * 1024, maxJsonBytes: 4096 } },
  })
  targetId = (await f.json('POST', '/volumes', { name: 'target' })).body.volumeId
  neighbourId = (await f.json('POST', '/volumes', { name: 'neighbour' })).body.volumeId
  await f.call('PUT', '/volumes/neighbour/files/files/secret', { body: 'neighbour secret' })
  token = (await f.json('POST', '/volumes/target/tokens', {})).body.token
  server = await startVolumesServer({ handler: f.handler, port: 0, overrideGlobalObjects: false })
  outsideBefore = await readdir(dirname(f.root))
})
afterAll(async () => {
  await server.close()
  await f.cleanup()
})

/** Runs `body`, then checks every key it touched lies in the target volume or the registry. */
async function confined<T>(body: () => Promise<T>): Promise<T> {
  touched.length = 0
  const result = await body()
  const stray = touched.filter((key) => !(key.startsWith(`${targetId}/`) || key === `${targetId}/` || key.startsWith('.registry/')))
  expect(stray, 'keys outside the target volume').toEqual([])
  expect(touched.filter((key) => key.split('/').some((segment) => segment === '..' || segment === '.'))).toEqual([])
  return result
}

/** Sends raw bytes as one HTTP/1.1 request and returns the status code (the request target is not normalised by any client). */
function rawRequest(target: string, extra = '', body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => (data += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)))
    socket.write(`${target.startsWith('PUT') || target.startsWith('GET') ? target : `GET ${target}`} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n${extra}\r\n${body}`, 'latin1')
  })
}

const traversals = [
  '%2e%2e/%2e%2e/neighbour/files/secret',
  '%2E%2E/%2E%2E/%2E%2E/etc/passwd',
  '..%2f..%2fneighbour%2ffiles%2fsecret',
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  'a%2f..%2f..%2fx',
  '.%2e/.%2e/neighbour/files/secret',
  '%252e%252e/%252e%252e/neighbour/files/secret',
  '%25252e%25252e%252f%252e%252e%252fx',
  '..%5c..%5cneighbour%5cfiles%5csecret',
  '%5c..%5c..%5c..%5cwindows',
  'x%00.txt',
  '%00',
  '..%00/..%00/x',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/x',
  '%ED%A0%80',
  '%zz',
  'a'.repeat(256),
  `${'a/'.repeat(2100)}x`,
]

describe('path traversal never leaves the volume', () => {
  it.each(traversals.map((path) => [path.length > 80 ? `${path.slice(0, 40)}… (${path.length} characters)` : path, path]))('%s', async (_label, path) => {
    await confined(async () => {
      for (const [method, prefix, body] of [['GET', 'files', null], ['PUT', 'files', 'x'], ['GET', 'stat', null], ['GET', 'list', null], ['DELETE', 'files', null], ['POST', 'dirs', '{}']] as const) {
        const response = await f.call(method, `/volumes/target/${prefix}/${path}`, { key: token, body })
        await response.arrayBuffer()
        expect(response.status, `${method} ${prefix}/${path}`).not.toBe(500)
        // 405: the URL parser resolved the dots into another route, which lacks the method.
        expect([200, 201, 204, 400, 404, 405, 409]).toContain(response.status)
      }
    })
    expect(await (await f.call('GET', '/volumes/neighbour/files/files/secret')).text()).toBe('neighbour secret')
  })

  it("another volume's id inside the path is just a directory name", async () => {
    await confined(async () => {
      expect((await f.call('GET', `/volumes/target/files/${neighbourId}/files/secret`, { key: token })).status).toBe(404)
      expect((await f.call('GET', `/volumes/target/files/..%2f${neighbourId}%2ffiles%2fsecret`, { key: token })).status).toBe(400)
    })
  })

  it('rejects NUL bytes, escapes, malformed encoding and over-long names with 400', async () => {
    for (const path of ['x%00.txt', '..%2f..%2fx', '%zz', '%ED%A0%80', 'a'.repeat(256), `${'a/'.repeat(2100)}x`]) {
      const response = await f.call('PUT', `/volumes/target/files/${path}`, { key: token, body: 'x' })
      expect(response.status, path).toBe(400)
      expect(['EINVAL', 'ENAMETOOLONG']).toContain((await response.json()).error.code)
    }
  })

  it('keeps double-encoded dots and backslashes as literal names inside the volume', async () => {
    await confined(async () => {
      expect((await f.call('PUT', '/volumes/target/files/%252e%252e/x', { key: token, body: 'lit' })).status).toBe(201)
      expect((await f.json('GET', '/volumes/target/stat/%252e%252e/x', undefined, token)).body.path).toBe('/%2e%2e/x')
      expect((await f.call('PUT', '/volumes/target/files/..%5c..%5cy', { key: token, body: 'lit' })).status).toBe(201)
      expect((await f.json('GET', '/volumes/target/list/', undefined, token)).body.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['%2e%2e', '..\\..\\y']))
    })
  })

  it('paths in JSON bodies (rename, copy) are confined too', async () => {
    await f.call('PUT', '/volumes/target/files/mine', { key: token, body: 'm' })
    await confined(async () => {
      for (const [from, to] of [['/mine', '/../../neighbour/files/stolen'], ['/../neighbour/files/secret', '/copy'], ['/mine', '/x\u0000y'], ['/mine', 7]]) {
        const response = await f.call('POST', '/volumes/target/copy', { key: token, body: JSON.stringify({ from, to }) })
        expect(response.status).toBe(400)
      }
    })
  })

  it('over the wire: raw request targets the runtime never normalised for us', async () => {
    await confined(async () => {
      expect(await rawRequest('/volumes/target/files/../../neighbour/files/secret')).toBe(404)
      expect(await rawRequest('/volumes/target/files/%2e%2e/%2e%2e/neighbour/files/secret')).toBe(404)
      expect(await rawRequest('/volumes/target/files/..%2f..%2fneighbour%2ffiles%2fsecret')).toBe(400)
      expect(await rawRequest('/volumes/target/files/..\\..\\neighbour\\files\\secret')).not.toBe(200)
      expect(await rawRequest('/volumes/target/files/a%00b')).toBe(400)
      expect(await rawRequest('http://127.0.0.1/volumes/target/files/../../../etc/passwd')).toBe(404)
      expect(await rawRequest(`PUT /volumes/target/files/raw-ok`, 'Content-Length: 2\r\n', 'ok')).toBe(201)
    })
    const outsideAfter = await readdir(dirname(f.root))
    expect(outsideAfter.filter((name) => !outsideBefore.includes(name) && /passwd|secret|stolen|escape|windows/.test(name))).toEqual([])
  })
})

describe('bodies past the limit', () => {
  it('a declared length over the limit is 413 before anything is read', async () => {
    const { stream, pulled } = byteStream(LIMIT * 4)
    const response = await confined(() => f.call('PUT', '/volumes/target/files/huge', { key: token, body: stream, headers: { 'content-length': String(LIMIT * 4) } }))
    expect(response.status).toBe(413)
    expect((await response.json()).error).toMatchObject({ code: 'EFBIG', reason: 'BodyTooLarge' })
    expect(pulled()).toBeLessThan(LIMIT)
    expect((await f.json('GET', '/volumes/target/stat/huge', undefined, token)).status).toBe(404)
  })

  it('a chunked body is cut at the limit: 413, nothing written, the rest never read', async () => {
    const { stream, pulled } = byteStream(LIMIT * 8)
    const response = await f.call('PUT', '/volumes/target/files/chunked', { key: token, body: stream })
    expect(response.status).toBe(413)
    expect(pulled()).toBeLessThan(LIMIT * 2)
    expect((await f.json('GET', '/volumes/target/stat/chunked', undefined, token)).status).toBe(404)
    const names = (await f.json('GET', '/volumes/target/list/?depth=3', undefined, token)).body.map((e: { name: string }) => e.name)
    expect(names.filter((name: string) => name.includes('chunked'))).toEqual([])
  })

  it('an oversized overwrite leaves the old content', async () => {
    await f.call('PUT', '/volumes/target/files/keep', { key: token, body: 'original' })
    expect((await f.call('PUT', '/volumes/target/files/keep', { key: token, body: byteStream(LIMIT + 1).stream })).status).toBe(413)
    expect(await (await f.call('GET', '/volumes/target/files/keep', { key: token })).text()).toBe('original')
  })

  it('exactly the limit is accepted', async () => {
    expect((await f.call('PUT', '/volumes/target/files/exact', { key: token, body: byteStream(LIMIT).stream })).status).toBe(201)
  })

  it('a JSON body over its limit is 413; over the wire too, and the server goes on', async () => {
    expect((await f.json('POST', '/volumes', { name: 'x', labels: { a: 'b'.repeat(5000) } })).status).toBe(413)
    expect(await rawRequest('PUT /volumes/target/files/wire-huge', `Content-Length: ${LIMIT + 1}\r\n`, 'x'.repeat(1000))).toBe(413)
    expect(await rawRequest('/volumes/target/stat/wire-huge')).toBe(404)
  })
})

describe('bad requests', () => {
  it('bad JSON is 400 InvalidJson; a JSON body that is not an object too', async () => {
    for (const [path, body] of [['/volumes', '{"name":'], ['/volumes', '[1,2]'], ['/attachments', 'not json'], ['/volumes/target/rename', '{from:1}'], ['/volumes/target/tokens', '"str"']]) {
      const response = await f.call('POST', path!, { body: body!, headers: { 'content-type': 'application/json' } })
      expect(response.status, `${path} ${body}`).toBe(400)
      expect((await response.json()).error).toMatchObject({ code: 'EINVAL', reason: 'InvalidJson' })
    }
    expect((await f.call('PATCH', '/volumes/target/files/keep', { body: '{' })).status).toBe(400)
  })

  it('bad query values are 400', async () => {
    for (const query of ['?mode=999', '?mode=abc', '?uid=-1', '?exclusive=maybe', '?mtime=yesterday']) {
      expect((await f.call('PUT', `/volumes/target/files/q${query}`, { body: 'x' })).status, query).toBe(400)
    }
    expect((await f.call('GET', '/volumes/target/list/?depth=0')).status).toBe(400)
    expect((await f.call('DELETE', '/volumes/target?force=yes')).status).toBe(400)
  })

  it('missing, malformed or wrong credentials are 401 EAUTH with WWW-Authenticate', async () => {
    for (const headers of [{}, { authorization: '' }, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, { authorization: 'Bearer' }, { authorization: 'Bearer wrong-key-0123456789abcdef' }, { authorization: `Bearer ${KEY_A}x` }, { authorization: `Bearer ${KEY_A} extra` }]) {
      for (const [method, path] of [['GET', '/volumes'], ['GET', '/volumes/target/files/keep'], ['POST', '/attachments'], ['GET', '/metrics']]) {
        const response = await f.call(method!, path!, { key: undefined, headers })
        expect(response.status, `${JSON.stringify(headers)} ${path}`).toBe(401)
        expect(response.headers.get('www-authenticate')).toContain('Bearer')
        expect((await response.json()).error.code).toBe('EAUTH')
      }
    }
    expect((await f.call('GET', '/volumes', { key: undefined, headers: { authorization: `bearer ${KEY_B}` } })).status).toBe(200)
  })

  it('wrong methods are 405 with Allow; unknown routes 404', async () => {
    for (const [method, path, allow] of [
      ['PATCH', '/volumes', 'POST, GET, HEAD'],
      ['PUT', '/volumes/target', 'GET, HEAD, DELETE'],
      ['POST', '/volumes/target/files/a', 'GET, HEAD, PUT, DELETE, PATCH'],
      ['PUT', '/volumes/target/stat/a', 'GET, HEAD'],
      ['GET', '/volumes/target/rename', 'POST'],
      ['GET', '/attachments', 'POST'],
      ['DELETE', '/openapi.json', 'GET, HEAD'],
      ['PUT', '/attachments/h/renew', 'POST'],
    ]) {
      const response = await f.call(method!, path!, { key: undefined })
      expect(response.status, `${method} ${path}`).toBe(405)
      expect(response.headers.get('allow')).toBe(allow)
      expect((await response.json()).error.code).toBe('EMETHOD')
    }
    expect((await f.call('GET', '/nothing/here')).status).toBe(404)
    expect((await f.call('GET', '/volumes/target/unknown/x')).status).toBe(404)
  })
})
