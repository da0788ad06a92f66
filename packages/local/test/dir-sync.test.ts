import { beforeEach, describe, expect, it, vi } from 'vitest'

const flushes: string[] = []
let release: (() => void)[] = []

vi.mock('node:fs/promises', async (original) => ({
  ...(await original<typeof import('node:fs/promises')>()),
  open: async (path: string) => {
    if (path.includes('missing')) throw Object.assign(new Error('gone'), { code: 'ENOENT' })
    return {
      sync: () => new Promise<void>((resolve) => {
        flushes.push(path)
        release.push(resolve)
      }),
      close: async () => undefined,
    }
  },
}))

const { DirSyncer } = await import('../src/dir-sync.js')
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))
const finishRunning = async (): Promise<void> => {
  const pending = release
  release = []
  for (const done of pending) done()
  await tick()
}

describe('DirSyncer group commit', () => {
  beforeEach(() => {
    flushes.length = 0
    release = []
  })

  it('callers that arrive during a flush share one flush queued behind it', async () => {
    const syncer = new DirSyncer()
    let settled = 0
    const first = syncer.sync(['/d']).then(() => settled++)
    await tick()
    const later = Array.from({ length: 10 }, () => syncer.sync(['/d']).then(() => settled++))
    await tick()
    expect(flushes).toEqual(['/d'])
    await finishRunning()
    expect(settled).toBe(1)
    // The first flush may have started before the later callers' changes: one more covers all ten.
    expect(flushes).toEqual(['/d', '/d'])
    await finishRunning()
    await Promise.all([first, ...later])
    expect(settled).toBe(11)
    expect(flushes).toHaveLength(2)
  })

  it('flushes distinct directories separately, once each, and skips missing ones', async () => {
    const syncer = new DirSyncer()
    const done = syncer.sync(['/a', '/b', '/a', '/missing'])
    await tick()
    expect([...flushes].sort()).toEqual(['/a', '/b'])
    await finishRunning()
    await done
  })
})
