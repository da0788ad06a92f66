import { request as httpRequest } from 'node:http'
import type { Volume } from '@volumes/core'
import { startVolumesServer, type VolumesServer } from '@volumes/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerBackend } from '../backends.js'
import { KEY_A, makeFixture, type Fixture } from '../helpers.js'

/** Short, so the stalls end quickly; the tests wait for the responses, never for a clock. */
const IDLE_MS = 250

/** A chunked PUT over a real socket that sends `first` and then nothing; resolves to the response. */
function stalledUpload(server: VolumesServer, path: string, first: Uint8Array): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${KEY_A}`, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode ?? 0, body })
      })
    })
    req.on('error', reject)
    req.flushHeaders()
    req.write(first)
  })
}

/** Defect 9: stalled uploads fail after the idle-body timeout and give back what they reserved. */
export function idleBodyCases(backend: ServerBackend): void {
  describe('stalled uploads (issue 9, defect 9)', () => {
    let f: Fixture
    let server: VolumesServer
    let volume: Volume
    beforeAll(async () => {
      // 1 "GB" = 1 MB: a volume of 1 MB, as in the report.
      f = await makeFixture({ blobs: await backend.make(), quota: { bytesPerGb: 1_000_000 }, handler: { limits: { bodyIdleTimeoutMs: IDLE_MS } } })
      expect((await f.json('POST', '/volumes', { name: 'stalls' })).status).toBe(201)
      volume = await f.store.connect('stalls')
      server = await startVolumesServer({ handler: f.handler, port: 0, overrideGlobalObjects: false })
    })
    afterAll(async () => {
      await server.close()
      await f.cleanup()
    })

    it('six chunked uploads that send 10 bytes and stop end in 408 ETIMEDOUT, write nothing and hold no quota', async () => {
      const before = await volume.getUsage()
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => stalledUpload(server, `/volumes/stalls/files/stalled-${i}`, new Uint8Array(10).fill(120))))
      for (const result of results) {
        expect(result.status).toBe(408)
        expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'ETIMEDOUT', reason: 'BodyIdleTimeout' } })
      }
      expect((await volume.list('/')).map((entry) => entry.name).filter((name) => name.startsWith('stalled-'))).toEqual([])
      const after = await volume.getUsage()
      expect({ bytes: after.bytes, inodes: after.inodes }).toEqual({ bytes: before.bytes, inodes: before.inodes })
      // The room the stalls had reserved is back: nearly the whole volume can be written.
      const big = new Uint8Array(900_000).fill(1)
      expect((await f.call('PUT', '/volumes/stalls/files/after', { body: big })).status).toBe(201)
      await volume.remove('/after')
    })

    it('a buffered body (declared Content-Length) that stalls is 408 too, and so is a JSON body', async () => {
      const stalledDeclared = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${server.url}/volumes/stalls/files/declared`, { method: 'PUT', headers: { authorization: `Bearer ${KEY_A}`, 'content-length': '100' } }, (res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => (body += chunk.toString()))
          res.on('end', () => {
            req.destroy()
            resolve({ status: res.statusCode ?? 0, body })
          })
        })
        req.on('error', reject)
        req.write('0123456789')
      })
      const declared = await stalledDeclared
      expect(declared.status).toBe(408)
      expect(await volume.exists('/declared')).toBe(false)
      const stalledJson = new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${server.url}/volumes/stalls/rename`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', 'content-length': '50' } }, (res) => {
          res.resume()
          res.on('end', () => {
            req.destroy()
            resolve(res.statusCode ?? 0)
          })
        })
        req.on('error', reject)
        req.write('{"from":')
      })
      expect(await stalledJson).toBe(408)
    })
  })
}
