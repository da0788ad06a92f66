import { describe, expect, it } from 'vitest'
import { VolumeStore } from '@volumes/core'
import { MIN_STREAM_STEP_BYTES } from '../src/quota/stream-step.js'
import { backends } from './backends.js'

/** A body that sends `first`, reports that it was asked for more, then waits for `release` and fails. */
function stallingBody(first: Uint8Array): { body: AsyncIterable<Uint8Array>; askedForMore: Promise<void>; fail(): void } {
  let asked!: () => void
  let fail!: () => void
  const askedForMore = new Promise<void>((resolve) => (asked = resolve))
  const failed = new Promise<never>((_, reject) => (fail = () => reject(new Error('the client stalled'))))
  failed.catch(() => undefined)
  async function* body(): AsyncGenerator<Uint8Array> {
    yield first
    // Pulled again: the first chunk went through the quota meter and on to the store.
    asked()
    await failed
  }
  return { body: body(), askedForMore, fail }
}

describe.each(backends)('stream reservations on $name (issue 9, defect 9)', (backend) => {
  it('six streams that sent 10 bytes and stalled hold a few KiB of a 1 MB volume, and nothing once they fail', async () => {
    const store = new VolumeStore({ blobs: await backend.make(), quota: { bytesPerGb: 1_000_000 } })
    const volume = await store.create('stalls')
    const before = await volume.getUsage()
    const streams = Array.from({ length: 6 }, () => stallingBody(new Uint8Array(10).fill(7)))
    const writes = streams.map((stream, i) => volume.writeFile(`/s${i}`, stream.body).then(() => 'written', (error: Error) => error.message))
    await Promise.all(streams.map((stream) => stream.askedForMore))
    const held = (await volume.getUsage()).bytes - before.bytes
    // Before: each stream reserved half the free room (98% of the volume for six).
    expect(held).toBeGreaterThanOrEqual(60)
    expect(held).toBeLessThanOrEqual(6 * (10 + MIN_STREAM_STEP_BYTES))
    for (const stream of streams) stream.fail()
    for (const outcome of await Promise.all(writes)) expect(outcome).toContain('the client stalled')
    expect(await volume.getUsage()).toEqual(before)
    expect(await volume.list('/')).toEqual([])
  })
})
