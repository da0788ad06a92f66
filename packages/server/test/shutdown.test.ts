import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runCli } from '@volumes/cli'
import { startVolumesServer } from '@volumes/server'
import { afterEach, describe, expect, it } from 'vitest'
import { KEY_A, makeFixture, type Fixture } from './helpers.js'

const fixtures: Fixture[] = []
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.cleanup()
})

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A body that sends `chunks` pieces, one every `everyMs` (forever when `chunks` is Infinity). */
function slowBody(chunks: number, everyMs: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream({
    async pull(controller) {
      if (sent >= chunks) return controller.close()
      await sleep(everyMs)
      sent++
      controller.enqueue(new TextEncoder().encode(`chunk ${sent}\n`))
    },
  })
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then releases the leases it holds', async () => {
    const f = await makeFixture()
    fixtures.push(f)
    const server = await startVolumesServer({ handler: f.handler, port: 0, overrideGlobalObjects: false })
    const auth = { authorization: `Bearer ${KEY_A}` }
    await fetch(`${server.url}/volumes`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'v' }) })
    const attached = await fetch(`${server.url}/attachments`, { method: 'POST', headers: auth, body: JSON.stringify({ holderId: 'sb', mounts: { '/data': 'v' } }) })
    const { mounts } = (await attached.json()) as { mounts: Array<{ volumeId: string }> }
    expect(server.handler.heldLeases()).toBe(1)

    const upload = fetch(`${server.url}/volumes/v/files/slow.txt`, { method: 'PUT', headers: auth, body: slowBody(6, 100), duplex: 'half' } as RequestInit)
    await sleep(150)
    expect(server.inFlight()).toBe(1)
    const closing = server.close()
    await sleep(50)
    expect(await refused(server.port)).toBe(true)
    const response = await upload
    expect(response.status).toBe(201)
    expect(((await response.json()) as { size: number }).size).toBe(6 * 'chunk 1\n'.length)
    expect(await closing).toEqual({ drained: true, releasedLeases: 1 })
    expect(await f.store.leases.listAttachments(mounts[0]!.volumeId)).toEqual([])
    expect(await (await f.call('GET', '/volumes/v/files/slow.txt')).text()).toContain('chunk 6')
  })

  it('cuts requests still running after the drain timeout; nothing half-written stays', async () => {
    const f = await makeFixture()
    fixtures.push(f)
    const server = await startVolumesServer({ handler: f.handler, port: 0, drainTimeoutMs: 300, overrideGlobalObjects: false })
    await f.json('POST', '/volumes', { name: 'v' })
    const upload = fetch(`${server.url}/volumes/v/files/endless`, { method: 'PUT', headers: { authorization: `Bearer ${KEY_A}` }, body: slowBody(Number.POSITIVE_INFINITY, 50), duplex: 'half' } as RequestInit)
    const failed = upload.then(() => false, () => true)
    await sleep(200)
    const started = Date.now()
    expect(await server.close()).toEqual({ drained: false, releasedLeases: 0 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await failed).toBe(true)
    await sleep(100)
    expect((await f.json('GET', '/volumes/v/stat/endless')).status).toBe(404)
  })

  it('volumes serve: prints its URL and a generated key, serves, and stops on its signal', async () => {
    const data = await mkdtemp(join(tmpdir(), 'volumes-serve-'))
    let stdout = ''
    let stderr = ''
    const sink = (append: (text: string) => void): Writable => new Writable({ write: (chunk, _encoding, done) => (append(chunk.toString()), done()) })
    const controller = new AbortController()
    const running = runCli(['serve', '--port', '0', '--data', data], { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), env: { HOME: data }, cwd: data, signal: controller.signal })
    try {
      for (let i = 0; i < 100 && !stdout.includes('try:'); i++) await sleep(50)
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]
      const key = /generated\): (vk_\S+)/.exec(stdout)?.[1]
      expect(url).toBeDefined()
      expect(key).toBeDefined()
      expect(stdout).toContain(`${data} (local disk)`)
      const created = await fetch(`${url}/volumes`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ name: 'from-serve' }) })
      expect(created.status).toBe(201)
      expect((await fetch(`${url}/volumes`, { headers: { authorization: 'Bearer vk_wrong-key-0123456789' } })).status).toBe(401)
    } finally {
      controller.abort()
      expect(await running).toBe(0)
      await rm(data, { recursive: true, force: true })
    }
    expect(stderr).toMatch(/SIGINT: shutting down/)
    expect(stderr).toMatch(/stopped; released 0 lease/)
    expect(stdout).toMatch(/"op":"create","status":201/)
  })
})
