import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Volume, isVolumeError } from '@volumes/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalServer, type ServerFixture } from './fixture.js'

/**
 * A TCP proxy in front of the server that, once armed, cuts the connection that has carried
 * `after` response bytes since, runs `onCut` and holds new connections until it is done.
 */
interface CuttingProxy {
  readonly url: string
  arm(after: number, onCut: () => Promise<unknown>): void
  connections(): number
  close(): Promise<void>
}

async function cuttingProxy(target: number): Promise<CuttingProxy> {
  let armed: { after: number; onCut: () => Promise<unknown> } | undefined
  let gate: Promise<unknown> = Promise.resolve()
  let count = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    count++
    sockets.add(client)
    client.pause()
    void gate.then(() => {
      const upstream = connect(target, '127.0.0.1')
      sockets.add(upstream)
      let seen = 0
      let since: typeof armed
      upstream.on('data', (chunk: Buffer) => {
        if (armed !== undefined) {
          if (since !== armed) {
            since = armed
            seen = 0
          }
          seen += chunk.byteLength
          if (seen > armed.after) {
            const { onCut, after } = armed
            armed = undefined
            gate = onCut()
            client.write(chunk.subarray(0, chunk.byteLength - (seen - after)))
            client.destroy()
            upstream.destroy()
            return
          }
        }
        client.write(chunk)
      })
      client.on('data', (chunk) => upstream.write(chunk))
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
      client.resume()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm(after, onCut) {
      armed = { after, onCut }
    },
    connections: () => count,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const SIZE = 2 * 1024 * 1024
const first = new Uint8Array(SIZE).fill(0x31)
const second = new Uint8Array(SIZE).fill(0x32)

describe('client reads pinned to one version (issue 9, defect 8)', () => {
  let fixture: ServerFixture & { root: string }
  let proxy: CuttingProxy
  beforeAll(async () => {
    fixture = await startLocalServer()
    proxy = await cuttingProxy(fixture.server.port)
  })
  afterAll(async () => {
    await proxy.close()
    await fixture.close()
  })

  it('a read whose connection breaks mid-body resumes from where it broke, with the same version', async () => {
    const volume = await Volume.create('pinned-resume', { apiUrl: proxy.url, apiKey: fixture.apiKey })
    const direct = await fixture.store.connect(volume.volumeId)
    await direct.writeFile('/big', first)
    const before = proxy.connections()
    proxy.arm(300_000, async () => undefined)
    const bytes = await volume.readFile('/big', { format: 'bytes' })
    expect(bytes.byteLength).toBe(SIZE)
    expect(bytes.every((byte) => byte === 0x31)).toBe(true)
    expect(proxy.connections() - before, 'one more connection: the resumed request').toBeGreaterThanOrEqual(1)
    expect((await volume.readFile('/big', { format: 'bytes', range: { start: 10, end: 20 } })).byteLength).toBe(10)
  })

  it('a file replaced while its read was broken fails with EAGAIN FileChanged, never with bytes of both versions', async () => {
    const volume = await Volume.connect('pinned-resume', { apiUrl: proxy.url, apiKey: fixture.apiKey })
    const direct = await fixture.store.connect(volume.volumeId)
    await direct.writeFile('/big', first)
    proxy.arm(300_000, () => direct.writeFile('/big', second))
    const stream = await volume.readFile('/big', { format: 'stream', range: { start: 1000 } })
    const reader = stream.getReader()
    const seen = new Set<number>()
    let failure: unknown
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        for (const byte of new Set(value)) seen.add(byte)
      }
    } catch (error) {
      failure = error
    }
    expect(isVolumeError(failure, 'EAGAIN'), String(failure)).toBe(true)
    expect((failure as { reason?: string }).reason).toBe('FileChanged')
    expect([...seen]).toEqual([0x31])
    expect(await volume.readFile('/big', { format: 'bytes', range: { start: 0, end: 4 } })).toEqual(new Uint8Array(4).fill(0x32))
  })
})
