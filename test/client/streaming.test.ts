import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardTo, type BlobStore } from '@volumes/core'
import { isVolumeError, Volume, type VolumeError } from '@volumes/client'
import { LocalBlobStore } from '@volumes/local'
import { startLocalServer, startServer, type ServerFixture } from './fixture.js'

const MiB = 1024 * 1024
const FILE_BYTES = 64 * MiB
const CHUNK = 64 * 1024

let fixture: ServerFixture & { root: string }
/** Bytes the store has taken from write bodies, and handed out in read bodies, so far. */
const store = { consumed: 0, served: 0 }

/** Counts the bytes that reach the store (writes) and leave it (reads). */
function counting(inner: BlobStore): BlobStore {
  return forwardTo(inner, {
    put: (key, body, options) => inner.put(key, body instanceof Uint8Array ? body : (async function* () {
      for await (const chunk of body) {
        store.consumed += chunk.byteLength
        yield chunk
      }
    })(), options),
    get: async (key, options) => {
      const result = await inner.get(key, options)
      const counter = new Transform({ transform(chunk: Buffer, _encoding, done) {
        store.served += chunk.byteLength
        done(null, chunk)
      } })
      result.body.on('error', (error) => counter.destroy(error))
      return { ...result, body: result.body.pipe(counter) }
    },
  })
}
let volume: Volume
const rejection = async (promise: Promise<unknown>): Promise<VolumeError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(isVolumeError(error), String(error)).toBe(true)
  return error as VolumeError
}

/** Chunk `index` of the test file: a pattern that differs per chunk and per byte. */
function chunkOf(index: number): Buffer {
  const chunk = Buffer.allocUnsafe(CHUNK)
  for (let at = 0; at < CHUNK; at += 4) chunk.writeUInt32LE((index * 2654435761 + at) >>> 0, at)
  return chunk
}

/** How far the producer of an upload ran ahead of the store, at most: what the whole chain held in memory. */
let uploadLead = 0

/** The test file as a stream made on the fly: never in memory as a whole. */
function generated(bytes: number, delayEvery = 0): Readable {
  const start = store.consumed
  return Readable.from((async function* () {
    for (let index = 0; index * CHUNK < bytes; index++) {
      if (delayEvery > 0 && index % delayEvery === 0) await new Promise((resolve) => setTimeout(resolve, 10))
      uploadLead = Math.max(uploadLead, index * CHUNK - (store.consumed - start))
      yield chunkOf(index)
    }
  })(), { objectMode: false, highWaterMark: CHUNK })
}

function expectedDigest(bytes: number, start = 0, end = bytes): string {
  const hash = createHash('sha256')
  for (let index = Math.floor(start / CHUNK); index * CHUNK < end; index++) {
    const from = Math.max(start - index * CHUNK, 0)
    const to = Math.min(end - index * CHUNK, CHUNK)
    hash.update(chunkOf(index).subarray(from, to))
  }
  return hash.digest('hex')
}

// Collections during the transfer, so that the RSS shows what is kept, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void

/** Runs `work` while collecting and sampling the process RSS; returns its result and the peak growth over the RSS before. */
async function rssGrowthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  gc()
  const before = process.memoryUsage.rss()
  let peak = before
  let ticks = 0
  const timer = setInterval(() => {
    gc({ type: ++ticks % 20 === 0 ? 'major' : 'minor' })
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 10)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, growth: peak - before }
  } finally {
    clearInterval(timer)
  }
}

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'volumes-client-stream-'))
  fixture = { ...(await startServer(counting(new LocalBlobStore({ root })), () => rm(root, { recursive: true, force: true }), { maxFileBytes: 128 * MiB })), root }
  volume = await Volume.create(`stream-${Date.now().toString(36)}`, { ...fixture.connection, sizeGb: 2 })
})
afterAll(async () => {
  await fixture.close()
})

describe('streaming through client → server → disk', () => {
  it('uploads 64 MiB from a stream without buffering it', async () => {
    // Once through every code path first: the first transfer of a process grows its heaps whatever its size.
    await volume.writeFile('/warm-up.bin', generated(8 * MiB))
    await new Response(await volume.readFile('/warm-up.bin', { format: 'stream' })).arrayBuffer()
    await volume.remove('/warm-up.bin')
    uploadLead = 0
    const { result: info, growth } = await rssGrowthDuring(() => volume.writeFile('/big.bin', generated(FILE_BYTES)))
    expect(info.size).toBe(FILE_BYTES)
    console.log(`upload of 64 MiB: RSS grew ${(growth / MiB).toFixed(1)} MiB; the source ran at most ${(uploadLead / MiB).toFixed(1)} MiB ahead of the store`)
    expect(uploadLead).toBeLessThan(FILE_BYTES / 4)
    expect(growth).toBeLessThan(FILE_BYTES / 4)
  }, 120_000)

  it('downloads 64 MiB as a stream without buffering it, byte for byte', async () => {
    let lead = 0
    const { result: digest, growth } = await rssGrowthDuring(async () => {
      const start = store.served
      let received = 0
      const stream = await volume.readFile('/big.bin', { format: 'stream' })
      const hash = createHash('sha256')
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
        received += chunk.byteLength
        lead = Math.max(lead, store.served - start - received)
        hash.update(chunk)
        // A slow consumer: whatever the server reads ahead of it would pile up somewhere.
        if (received % (4 * MiB) < chunk.byteLength) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return hash.digest('hex')
    })
    console.log(`download of 64 MiB: RSS grew ${(growth / MiB).toFixed(1)} MiB; the store ran at most ${(lead / MiB).toFixed(1)} MiB ahead of the consumer`)
    expect(digest).toBe(expectedDigest(FILE_BYTES))
    expect(lead).toBeLessThan(FILE_BYTES / 4)
    expect(growth).toBeLessThan(FILE_BYTES / 4)
  }, 120_000)

  it('reads byte ranges of the big file', async () => {
    const read = async (start: number, end?: number): Promise<string> => {
      const bytes = await volume.readFile('/big.bin', { format: 'bytes', range: end === undefined ? { start } : { start, end } })
      return createHash('sha256').update(bytes).digest('hex')
    }
    expect(await read(10 * MiB + 3, 10 * MiB + 70_000)).toBe(expectedDigest(FILE_BYTES, 10 * MiB + 3, 10 * MiB + 70_000))
    expect(await read(FILE_BYTES - 100)).toBe(expectedDigest(FILE_BYTES, FILE_BYTES - 100))
    expect(await read(FILE_BYTES - 10, FILE_BYTES + 1000)).toBe(expectedDigest(FILE_BYTES, FILE_BYTES - 10))
    expect((await volume.readFile('/big.bin', { format: 'bytes', range: { start: 5, end: 5 } })).byteLength).toBe(0)
    const past = await rejection(volume.readFile('/big.bin', { range: { start: FILE_BYTES + 1 } }))
    expect(past).toMatchObject({ code: 'EINVAL', reason: 'RangeNotSatisfiable' })
    await volume.writeFile('/small.txt', 'Hello, world!')
    expect(await volume.readFile('/small.txt', { range: { start: 7, end: 12 } })).toBe('world')
    const stream = await volume.readFile('/small.txt', { format: 'stream', range: { start: 7 } })
    expect(await new Response(stream).text()).toBe('world!')
  })

  it('an upload aborted midway writes nothing and keeps the old file', async () => {
    await volume.writeFile('/aborted.bin', 'old content')
    const controller = new AbortController()
    let sent = 0
    const source = generated(FILE_BYTES, 8)
    source.on('data', (chunk: Buffer) => {
      sent += chunk.byteLength
      if (sent >= 4 * MiB) controller.abort(new Error('user gave up'))
    })
    const error = await rejection(volume.writeFile('/aborted.bin', source, { signal: controller.signal }))
    expect(error.code).toBe('ECANCELED')
    expect(source.destroyed).toBe(true)
    const fresh = new AbortController()
    const neverSent = generated(FILE_BYTES, 8)
    setTimeout(() => fresh.abort(), 50)
    expect((await rejection(volume.writeFile('/never.bin', neverSent, { signal: fresh.signal }))).code).toBe('ECANCELED')
    // The server notices the abort asynchronously: give it a moment, then nothing may be there.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await volume.readFile('/aborted.bin')).toBe('old content')
    expect(await volume.exists('/never.bin')).toBe(false)
    expect((await volume.list('/')).map((e) => e.name)).not.toContain('never.bin')
    expect((await readdir(fixture.root, { recursive: true })).filter((name) => name.includes('never'))).toEqual([])
    // LocalBlobStore's temporary files (see packages/local/src/layout.ts): none may be left behind.
    expect(await readdir(join(fixture.root, '.volumes-local', 'tmp')).catch(() => [])).toEqual([])
  }, 120_000)

  it('a body over the server limit is refused (413) and nothing is written', async () => {
    const small = await startLocalServer({ maxFileBytes: MiB })
    try {
      const target = await Volume.create(`limit-${Date.now().toString(36)}`, small.connection)
      const error = await rejection(target.writeFile('/too-big.bin', generated(8 * MiB)))
      expect(error).toMatchObject({ code: 'EINVAL', reason: 'BodyTooLarge' })
      expect(error.message).toContain('HTTP 413')
      const declared = await rejection(target.writeFile('/too-big.bin', new Uint8Array(2 * MiB)))
      expect(declared.reason).toBe('BodyTooLarge')
      expect(await target.exists('/too-big.bin')).toBe(false)
    } finally {
      await small.close()
    }
  }, 120_000)
})
