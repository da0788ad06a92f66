import { beforeAll, describe, expect, it } from 'vitest'
import { VolumeStore, type BlobStore, type ChangeFeed, type ChangeItem, type Volume, type VolumeWatch } from '@volumes/core'
import { expectVolumeError } from './expect-code.js'

/** Options of {@link runVolumeEventTests}. */
export interface VolumeEventSuiteOptions {
  /** The change feed of the store; default the store's own (memory). */
  readonly changes?: () => Promise<ChangeFeed> | ChangeFeed
}

/** Reads a watch up to (and including) the event at `until`; returns `type path[ <- oldPath]` lines. */
async function readUntil(watch: VolumeWatch, until: string): Promise<string[]> {
  const lines: string[] = []
  for await (const item of watch) {
    lines.push(describeItem(item))
    if (item.type !== 'gap' && item.path === until) break
  }
  return lines
}

function describeItem(item: ChangeItem): string {
  if (item.type === 'gap') return 'gap'
  return `${item.type} ${item.entryType} ${item.path}${item.oldPath ? ` <- ${item.oldPath}` : ''}`
}

/**
 * Events through the Volume API on one backend: every mutation kind publishes what it changed
 * after it succeeded, failed and refused writes publish nothing, watch's own errors.
 */
export function runVolumeEventTests(name: string, factory: () => Promise<BlobStore> | BlobStore, options: VolumeEventSuiteOptions = {}): void {
  describe(`volume events: ${name}`, () => {
    let store: VolumeStore
    beforeAll(async () => {
      const changes = await options.changes?.()
      store = new VolumeStore({ blobs: await factory(), ...(changes ? { changes } : {}) })
    })
    const fresh = async (): Promise<Volume> => store.create(`events-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`)

    it('publishes one event per changed entry for every mutation kind', async () => {
      const volume = await fresh()
      const watch = volume.watch('/', { recursive: true })
      await watch.ready
      await volume.makeDir('/d')
      await volume.writeFile('/d/a.txt', 'one')
      await volume.writeFile('/d/a.txt', 'two')
      await volume.writeFile('/n/e/w.txt', 'deep')
      await volume.updateMetadata('/d/a.txt', { mode: 0o600 })
      await volume.setTimes('/d/a.txt', { mtime: new Date(2020, 1, 1) })
      await volume.symlink('a.txt', '/d/link')
      await volume.rename('/d/a.txt', '/d/b.txt')
      await volume.copy('/d/b.txt', '/d/c.txt')
      await volume.copy('/d/b.txt', '/d/c.txt')
      await volume.rename('/n', '/m')
      await volume.remove('/m', { recursive: true })
      await volume.remove('/d/c.txt')
      await volume.writeFile('/end', '')
      const lines = await readUntil(watch, '/end')
      expect(lines.slice(0, 11)).toEqual([
        'create directory /d',
        'create file /d/a.txt',
        'write file /d/a.txt',
        'create directory /n',
        'create directory /n/e',
        'create file /n/e/w.txt',
        'chmod file /d/a.txt',
        'chmod file /d/a.txt',
        'create symlink /d/link',
        'rename file /d/b.txt <- /d/a.txt',
        'create file /d/c.txt',
      ])
      expect(lines[11]).toBe('write file /d/c.txt')
      expect(lines.slice(12, 15).sort()).toEqual(['rename directory /m <- /n', 'rename directory /m/e <- /n/e', 'rename file /m/e/w.txt <- /n/e/w.txt'])
      expect(lines.slice(15, 18).sort()).toEqual(['remove directory /m', 'remove directory /m/e', 'remove file /m/e/w.txt'])
      expect(lines.slice(18)).toEqual(['remove file /d/c.txt', 'create file /end'])
      await watch.close()
    })

    it('publishes nothing for failed or refused writes', async () => {
      const volume = await fresh()
      await volume.makeDir('/dir')
      await volume.writeFile('/file', 'x')
      const watch = volume.watch('/', { recursive: true })
      await watch.ready
      await expectVolumeError(volume.writeFile('/dir', 'x'), 'EISDIR')
      await expectVolumeError(volume.makeDir('/dir'), 'EEXIST')
      await expectVolumeError(volume.writeFile('/file', 'y', { exclusive: true }), 'EEXIST')
      await expectVolumeError(volume.writeFile('/file/below', 'y'), 'ENOTDIR')
      await expectVolumeError(volume.remove('/missing'), 'ENOENT')
      await expectVolumeError(volume.remove('/dir/..'), 'EINVAL')
      await expectVolumeError(volume.rename('/missing', '/elsewhere'), 'ENOENT')
      await volume.writeFile('/end', '')
      expect(await readUntil(watch, '/end')).toEqual(['create file /end'])
      await watch.close()
    })

    it('shows a watcher of a directory only its children unless recursive, across handles of one volume', async () => {
      const volume = await fresh()
      await volume.makeDir('/w/sub', { force: true })
      const other = await store.connect(volume.volumeId)
      const seen: string[] = []
      const handle = await volume.watchDir('/w', (item) => void seen.push(describeItem(item)))
      const watch = volume.watch('/w', { recursive: true })
      await watch.ready
      await other.writeFile('/w/sub/deep', 'x')
      await other.writeFile('/outside', 'x')
      await other.writeFile('/w/top', 'x')
      expect(await readUntil(watch, '/w/top')).toEqual(['create file /w/sub/deep', 'create file /w/top'])
      await handle.stop()
      expect(seen).toEqual(['create file /w/top'])
      await watch.close()
    })

    it('resumes from a cursor', async () => {
      const volume = await fresh()
      const watch = volume.watch('/', { recursive: true })
      await watch.ready
      await volume.writeFile('/r1', 'x')
      await volume.writeFile('/r2', 'x')
      const [first] = await (async () => {
        const items: ChangeItem[] = []
        for await (const item of watch) {
          items.push(item)
          break
        }
        return items
      })()
      const resumed = volume.watch('/', { recursive: true, since: first!.cursor })
      expect(await readUntil(resumed, '/r2')).toEqual(['create file /r2'])
      await resumed.close()
    })

    it('publishes what a snapshot restore changed', async () => {
      const volume = await fresh()
      await volume.writeFile('/kept', 'same')
      await volume.writeFile('/changed', 'old')
      const snapshot = await volume.snapshot()
      await volume.writeFile('/changed', 'new')
      await volume.writeFile('/added', 'x')
      const watch = volume.watch('/', { recursive: true })
      await watch.ready
      await volume.restore(snapshot.snapshotId)
      await volume.writeFile('/end', '')
      const lines = await readUntil(watch, '/end')
      expect(lines.at(-1)).toBe('create file /end')
      expect(lines.slice(0, -1).sort()).toEqual(['chmod directory /', 'remove file /added', 'write file /changed', 'write file /kept'])
      await watch.close()
    })

    it('refuses to watch a missing path (ENOENT), a file (ENOTDIR), a bad cursor (EINVAL)', async () => {
      const volume = await fresh()
      await volume.writeFile('/file', 'x')
      await expectVolumeError(volume.watch('/missing').ready, 'ENOENT')
      await expectVolumeError(volume.watch('/file').ready, 'ENOTDIR')
      await expectVolumeError(volume.watch('/', { since: 'not-a-cursor' }).ready, 'EINVAL')
      await expectVolumeError(volume.watchDir('/file', () => undefined), 'ENOTDIR')
    })
  })
}
