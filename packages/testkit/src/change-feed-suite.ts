import { describe, expect, it } from 'vitest'
import type { ChangeFeed, ChangeInput, ChangeItem, ChangeStream } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'

/** A feed under test; `capacity` is about how many events per volume it keeps (approximate trimming is fine). */
export interface ChangeFeedFixture {
  readonly feed: ChangeFeed
  close(): Promise<void>
}

/** Options of {@link runChangeFeedConformance}. */
export interface ChangeFeedSuiteOptions {
  /** A fresh feed keeping about `capacity` events per volume. */
  readonly create: (capacity: number) => Promise<ChangeFeedFixture>
  /** Events to publish so that a feed of capacity 10 has surely trimmed (Redis trims whole nodes of 100). Default 50. */
  readonly overflow?: number
}

let counter = 0
const volumeId = (): string => `vol-feed${Date.now().toString(36)}${(counter++).toString(36)}`
const input = (path: string, type: ChangeInput['type'] = 'write', oldPath?: string): ChangeInput => ({ type, path, entryType: 'file', at: new Date(), ...(oldPath ? { oldPath } : {}) })

/** Reads `count` items from a stream. */
async function take(stream: ChangeStream, count: number): Promise<ChangeItem[]> {
  const items: ChangeItem[] = []
  if (count === 0) return items
  for await (const item of stream) {
    items.push(item)
    if (items.length >= count) break
  }
  return items
}

const paths = (items: readonly ChangeItem[]): string[] => items.map((item) => (item.type === 'gap' ? 'gap' : item.path))

/**
 * The change-feed contract, run against one implementation: order, no duplicates, resume from a
 * cursor, gap after trimming, a slow watcher, many watchers, subtree and recursive filters, volumes
 * kept apart, invalid cursors.
 */
export function runChangeFeedConformance(name: string, options: ChangeFeedSuiteOptions): void {
  const overflow = options.overflow ?? 50
  const withFeed = (capacity: number, test: (feed: ChangeFeed) => Promise<void>) => async () => {
    const fixture = await options.create(capacity)
    try {
      await test(fixture.feed)
    } finally {
      await fixture.close()
    }
  }

  describe(`ChangeFeed conformance: ${name}`, () => {
    it('delivers events in publish order, each once, with increasing distinct cursors', withFeed(1000, async (feed) => {
      const id = volumeId()
      const stream = await feed.subscribe(id, { recursive: true })
      const published = [...(await feed.publish(id, [input('/a'), input('/b')])), ...(await feed.publish(id, [input('/a', 'remove')]))]
      const items = await take(stream, 3)
      expect(items).toEqual(published)
      expect(new Set(items.map((item) => item.cursor)).size).toBe(3)
      await stream.close()
    }))

    it('resumes after a cursor with every event since', withFeed(1000, async (feed) => {
      const id = volumeId()
      const published = await feed.publish(id, ['/1', '/2', '/3', '/4'].map((path) => input(path)))
      const stream = await feed.subscribe(id, { recursive: true, since: published[1]!.cursor })
      expect(paths(await take(stream, 2))).toEqual(['/3', '/4'])
      await stream.close()
    }))

    it('starts with the next event published when no cursor is given', withFeed(1000, async (feed) => {
      const id = volumeId()
      await feed.publish(id, [input('/old')])
      const stream = await feed.subscribe(id, { recursive: true })
      await feed.publish(id, [input('/new')])
      expect(paths(await take(stream, 1))).toEqual(['/new'])
      await stream.close()
    }))

    it('signals a gap when the feed was trimmed past the cursor, then goes on', withFeed(10, async (feed) => {
      const id = volumeId()
      const [first] = await feed.publish(id, [input('/first')])
      await feed.publish(id, Array.from({ length: overflow }, (_, i) => input(`/f${i}`)))
      const stream = await feed.subscribe(id, { recursive: true, since: first!.cursor })
      const [gap, next] = await take(stream, 2)
      expect(gap!.type).toBe('gap')
      expect(next!.type).toBe('write')
      expect(paths([next!])[0]).not.toBe('/first')
      await stream.close()
    }))

    it('gives a slow watcher a gap instead of holding every event, and never blocks the writer', withFeed(10, async (feed) => {
      const id = volumeId()
      const stream = await feed.subscribe(id, { recursive: true })
      for (let round = 0; round < 3; round++) await feed.publish(id, Array.from({ length: overflow }, (_, i) => input(`/s${round}-${i}`)))
      const last = (await feed.publish(id, [input('/last')]))[0]!
      const items: ChangeItem[] = []
      for await (const item of stream) {
        items.push(item)
        if (item.type !== 'gap' && item.path === '/last') break
      }
      expect(items[0]!.type).toBe('gap')
      expect(items.at(-1)).toEqual(last)
      expect(items.length).toBeLessThan(3 * overflow)
      await stream.close()
    }))

    it('delivers to many watchers alike', withFeed(1000, async (feed) => {
      const id = volumeId()
      const streams = await Promise.all(Array.from({ length: 20 }, () => feed.subscribe(id, { recursive: true })))
      const published = await feed.publish(id, [input('/m1'), input('/m2')])
      for (const stream of streams) expect(await take(stream, 2)).toEqual(published)
      await Promise.all(streams.map((stream) => stream.close()))
    }))

    it('filters by subtree: recursive sees descendants, otherwise only the directory and its children; a rename counts on both sides', withFeed(1000, async (feed) => {
      const id = volumeId()
      const deep = await feed.subscribe(id, { path: '/d', recursive: true })
      const shallow = await feed.subscribe(id, { path: '/d' })
      await feed.publish(id, [input('/other'), input('/d/x/y'), input('/dx'), input('/d/z'), input('/d', 'chmod'), input('/q', 'rename', '/d/moved'), input('/end')])
      await feed.publish(id, [input('/d/final')])
      expect(paths(await take(deep, 5))).toEqual(['/d/x/y', '/d/z', '/d', '/q', '/d/final'])
      expect(paths(await take(shallow, 4))).toEqual(['/d/z', '/d', '/q', '/d/final'])
      await Promise.all([deep.close(), shallow.close()])
    }))

    it('keeps volumes apart', withFeed(1000, async (feed) => {
      const [a, b] = [volumeId(), volumeId()]
      const stream = await feed.subscribe(a, { recursive: true })
      await feed.publish(b, [input('/of-b')])
      await feed.publish(a, [input('/of-a')])
      expect(paths(await take(stream, 1))).toEqual(['/of-a'])
      await stream.close()
    }))

    it('ends the iteration on abort', withFeed(1000, async (feed) => {
      const controller = new AbortController()
      const stream = await feed.subscribe(volumeId(), { signal: controller.signal })
      const reading = take(stream, 1)
      controller.abort()
      expect(await reading).toEqual([])
    }))

    it('refuses a cursor it never gave with EINVAL', withFeed(1000, async (feed) => {
      const id = volumeId()
      await feed.publish(id, [input('/x')])
      for (const since of ['', 'nonsense', '../1', '999999999999999-0.x']) await expectVolumeError(feed.subscribe(id, { since }), 'EINVAL')
    }))
  })
}
