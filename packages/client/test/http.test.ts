import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isVolumeError, type VolumeError } from '@volumes/core'
import { Volume } from '@volumes/client'

// A canned server: each test says how it answers. The real server is tested in test/client.
type Handler = (request: IncomingMessage, response: ServerResponse) => void
let handler: Handler = (_request, response) => response.end()
let server: Server
let apiUrl: string
const apiKey = 'test-key-0123456789'
const info = { volumeId: 'vol-aaaaaaaaaaaaaaaaaaaa', name: 'canned', sizeGb: 1, region: 'local', createdAt: new Date(0), labels: {} }
const volume = (): Volume => new Volume(info, { apiUrl, apiKey })
const rejection = async (promise: Promise<unknown>): Promise<VolumeError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), String(error)).toBe(true)
  return error as VolumeError
}
const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

beforeAll(async () => {
  server = createServer((request, response) => handler(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('requests', () => {
  it('send the bearer key and percent-encode each path segment once', async () => {
    let seen: IncomingMessage | undefined
    handler = (request, response) => {
      seen = request
      sendJson(response, 200, { name: 'b c', type: 'file', path: '/a%2f/b c', size: 1, mode: 0o644, uid: 0, gid: 0, atime: '2025-01-01T00:00:00.000Z', mtime: '2025-01-01T00:00:00.000Z', ctime: '2025-01-01T00:00:00.000Z' })
    }
    const entry = await volume().getInfo('/./a%2f//b c/')
    expect(seen?.url).toBe(`/volumes/${info.volumeId}/stat/a%252f/b%20c`)
    expect(seen?.headers.authorization).toBe(`Bearer ${apiKey}`)
    expect(entry.mtime).toEqual(new Date('2025-01-01T00:00:00.000Z'))
  })
  it('refuse paths escaping the volume before any request, as the library does', async () => {
    let requests = 0
    handler = (_request, response) => {
      requests++
      response.end()
    }
    expect((await rejection(volume().readFile('/../etc/passwd'))).code).toBe('EINVAL')
    expect((await rejection(volume().writeFile('/a\0b', 'x'))).code).toBe('EINVAL')
    expect(requests).toBe(0)
  })
})

describe('request limit', () => {
  it('a burst waits for slots: never more requests in flight than the limit', async () => {
    let active = 0
    let most = 0
    handler = (_request, response) => {
      most = Math.max(most, ++active)
      setTimeout(() => {
        active--
        sendJson(response, 200, [])
      }, 5)
    }
    const connection = { apiUrl, apiKey, maxConcurrentRequests: 8 }
    await Promise.all(Array.from({ length: 100 }, () => Volume.list(connection)))
    expect(most).toBeLessThanOrEqual(8)
    expect(most).toBeGreaterThan(1)
  })
  it('a request waiting for a slot is ECANCELED by its signal', async () => {
    handler = (_request, response) => setTimeout(() => sendJson(response, 200, []), 200)
    const connection = { apiUrl, apiKey, maxConcurrentRequests: 1 }
    const first = Volume.list(connection)
    const second = await rejection(Volume.list({ ...connection, signal: AbortSignal.timeout(50) }))
    expect(second.code).toBe('ECANCELED')
    await first
  })
})

describe('errors', () => {
  it('keep the code, reason, path and message of the server', async () => {
    handler = (_request, response) => sendJson(response, 404, { error: { code: 'ENOENT', message: "ENOENT: no such file or directory, stat '/x'", reason: 'Gone', path: '/x', op: 'stat' } })
    const error = await rejection(volume().getInfo('/x'))
    expect(error).toMatchObject({ code: 'ENOENT', reason: 'Gone', path: '/x', op: 'stat', temporary: false })
    expect(error.message).toBe("ENOENT: no such file or directory, stat '/x'")
  })
  it('401 is EACCES with a message that says what to check', async () => {
    handler = (_request, response) => sendJson(response, 401, { error: { code: 'EAUTH', message: 'EAUTH: unknown API key', op: 'list' } })
    const error = await rejection(Volume.list({ apiUrl, apiKey: 'wrong-key-0123456789' }))
    expect(error.code).toBe('EACCES')
    expect(error.reason).toBe('EAUTH')
    expect(error.message).toContain('HTTP 401')
    expect(error.message).toContain('VOLUMES_API_KEY')
  })
  it('a status without a JSON body gets a code by status; 502/503 are temporary', async () => {
    handler = (_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>')
    const error = await rejection(volume().getInfo('/x'))
    expect(error).toMatchObject({ code: 'EIO', temporary: true })
    expect(error.message).toContain('bad gateway')
    handler = (_request, response) => sendJson(response, 503, { error: { code: 'EAGAIN', message: 'EAGAIN: slow down, put', temporary: true } })
    expect(await rejection(volume().getInfo('/x'))).toMatchObject({ code: 'EAGAIN', temporary: true })
  })
  it('an unreachable server is EIO, temporary, naming the server', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await rejection(Volume.list({ apiUrl: `http://127.0.0.1:${port}`, apiKey }))
    expect(error).toMatchObject({ code: 'EIO', temporary: true, reason: 'NetworkError' })
    expect(error.message).toContain(`127.0.0.1:${port}`)
  })
  it('invalid JSON in a success is EIO BadResponse', async () => {
    handler = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{nope')
    expect(await rejection(Volume.list({ apiUrl, apiKey }))).toMatchObject({ code: 'EIO', reason: 'BadResponse' })
  })
  it('an abort is ECANCELED, before and during a request', async () => {
    handler = () => undefined
    await expect(rejection(volume().getInfo('/x', { signal: AbortSignal.abort() }))).resolves.toMatchObject({ code: 'ECANCELED' })
    await expect(rejection(volume().getInfo('/x', { signal: AbortSignal.timeout(100) }))).resolves.toMatchObject({ code: 'ECANCELED' })
  })
})

describe('bodies', () => {
  it('a refused streamed write ends the source stream', async () => {
    handler = (_request, response) => sendJson(response, 409, { error: { code: 'EEXIST', message: "EEXIST: file already exists, writeFile '/f'" } })
    const source = Readable.from((async function* () {
      for (;;) {
        yield Buffer.alloc(64 * 1024)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })())
    expect((await rejection(volume().writeFile('/f', source, { exclusive: true }))).code).toBe('EEXIST')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(source.destroyed).toBe(true)
  })
  it('a failing source is reported as its own error, not as a network failure', async () => {
    handler = (request, response) => {
      request.on('error', () => undefined)
      request.resume()
      request.on('end', () => sendJson(response, 201, {}))
    }
    const source = (async function* () {
      yield new Uint8Array(10)
      throw new Error('disk on fire')
    })()
    await expect(volume().writeFile('/f', source)).rejects.toThrow('disk on fire')
  })
  it('a server that ignores Range gets sliced here', async () => {
    handler = (_request, response) => response.writeHead(200).end('0123456789')
    expect(await volume().readFile('/f', { range: { start: 2, end: 5 } })).toBe('234')
    expect(await volume().readFile('/f', { range: { start: 7 } })).toBe('789')
  })
  it('sends Range as inclusive bytes and checks Content-Range', async () => {
    const ranges: (string | undefined)[] = []
    handler = (request, response) => {
      ranges.push(request.headers.range)
      response.writeHead(206, { 'content-range': 'bytes 2-4/10' }).end('234')
    }
    expect(await volume().readFile('/f', { range: { start: 2, end: 5 } })).toBe('234')
    expect(ranges).toEqual(['bytes=2-4'])
    expect((await rejection(volume().readFile('/f', { range: { start: 3, end: 5 } }))).reason).toBe('BadResponse')
  })
  it('a body cut off mid-stream errors the stream with a VolumeError', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-length': '1000000' })
      response.write(Buffer.alloc(1000))
      setTimeout(() => response.destroy(), 20)
    }
    const error = await rejection(volume().readFile('/f', { format: 'bytes' }))
    expect(error.code).toBe('EIO')
  })
})
