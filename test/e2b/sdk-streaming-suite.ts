import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Volume } from 'e2b'
import { unique } from './expect-sdk.js'
import { rssGrowthDuring } from './rss.js'
import { startServeChild, type ServeChild } from './serve-child.js'

const MiB = 1024 * 1024
const CHUNK = 64 * 1024

/** Size of the streamed file and the most the server's peak RSS may grow while it passes. */
export interface StreamingBounds {
  readonly fileBytes: number
  readonly maxServerGrowth: number
}

/** Where a child server keeps its volumes: `volumes serve` arguments and environment, and their removal. */
export type ServeBackendFactory = () => Promise<{ args: string[]; env?: Record<string, string>; cleanup: () => Promise<void> }>

/** Chunk `index` of the test file: a pattern that differs per chunk and per byte. */
function chunkOf(index: number): Uint8Array {
  const chunk = Buffer.allocUnsafe(CHUNK)
  for (let at = 0; at < CHUNK; at += 4) chunk.writeUInt32LE((index * 2654435761 + at) >>> 0, at)
  return chunk
}

function expectedDigest(bytes: number): string {
  const hash = createHash('sha256')
  for (let index = 0; index * CHUNK < bytes; index++) hash.update(chunkOf(index))
  return hash.digest('hex')
}

/** The test file as a web stream made on the fly, never whole in memory. */
function generated(bytes: number): ReadableStream<Uint8Array> {
  let index = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index * CHUNK >= bytes) return controller.close()
      controller.enqueue(chunkOf(index++))
    },
  }, { highWaterMark: 1 })
}

/**
 * A big file through the official SDK as a `ReadableStream` (sent with `duplex: 'half'`) and
 * back with `format: 'stream'`, against `volumes serve` in a child process: the server's peak
 * RSS (`VmHWM`, reset before each transfer) grows by less than `bounds.maxServerGrowth`.
 */
export function runSdkStreamingTests(name: string, backend: ServeBackendFactory, bounds: StreamingBounds): void {
  const { fileBytes, maxServerGrowth } = bounds
  const size = `${fileBytes / MiB} MiB`
  describe(`official e2b SDK streaming → volumes serve (child process) → ${name}`, () => {
    let server: ServeChild
    let cleanup: () => Promise<void> = async () => undefined
    let volume: Volume
    const connection = (): { apiKey: string; apiUrl: string } => ({ apiKey: server.apiKey, apiUrl: server.e2bUrl })

    beforeAll(async () => {
      const given = await backend()
      cleanup = given.cleanup
      server = await startServeChild(given.args, given.env)
      process.env.E2B_VOLUME_API_URL = server.e2bUrl
      volume = await Volume.create(`stream-${unique()}`, connection())
      // Once through every code path first: the first transfer of a process grows its heaps whatever its size.
      await volume.writeFile('/warm-up.bin', generated(8 * MiB))
      await new Response(await volume.readFile('/warm-up.bin', { format: 'stream' })).arrayBuffer()
      await volume.remove('/warm-up.bin')
    })
    afterAll(async () => {
      await server?.stop()
      await cleanup()
    })

    it(`writeFile of a ${size} ReadableStream: the server grows by less than ${maxServerGrowth / MiB} MiB`, async () => {
      const before = await server.rss()
      await server.resetPeak()
      const { result: info, growth: sdkGrowth } = await rssGrowthDuring(() => volume.writeFile('/big.bin', generated(fileBytes)))
      const growth = (await server.peakRss()) - before
      expect(info).toMatchObject({ path: '/big.bin', size: fileBytes })
      console.log(`e2b SDK upload of ${size} (${name}): server peak RSS +${(growth / MiB).toFixed(1)} MiB; this process (the SDK) +${(sdkGrowth / MiB).toFixed(1)} MiB`)
      expect(growth).toBeLessThan(maxServerGrowth)
    }, 180_000)

    it(`readFile({ format: 'stream' }) of ${size}: byte for byte, the server grows by less than ${maxServerGrowth / MiB} MiB`, async () => {
      const before = await server.rss()
      await server.resetPeak()
      const { result: digest, growth: sdkGrowth } = await rssGrowthDuring(async () => {
        let received = 0
        const hash = createHash('sha256')
        for await (const chunk of (await volume.readFile('/big.bin', { format: 'stream' })) as unknown as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength
          hash.update(chunk)
          // A slow consumer: whatever the server reads ahead of it would pile up there.
          if (received % (4 * MiB) < chunk.byteLength) await new Promise((resolve) => setTimeout(resolve, 5))
        }
        return hash.digest('hex')
      })
      const growth = (await server.peakRss()) - before
      console.log(`e2b SDK download of ${size} (${name}): server peak RSS +${(growth / MiB).toFixed(1)} MiB; this process (the SDK) +${(sdkGrowth / MiB).toFixed(1)} MiB`)
      expect(digest).toBe(expectedDigest(fileBytes))
      expect(growth).toBeLessThan(maxServerGrowth)
    }, 180_000)
  })
}
