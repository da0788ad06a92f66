import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { fsckBucket, openBucketVolume, type EntryInfo, type FsckFindingKind } from '@volumes/core'
import { GcsBlobStore } from '@volumes/gcs'
import { describeWithService, findBinary, fuseAvailable, inCI, interopTree, mountFuse, provideService, readTreeFromDirectory, startFakeGcs, writeTreeToDirectory } from '@volumes/testkit'
import { emulatorStorage, freshBucket } from './fixture.js'

const gcsfuse = findBinary('gcsfuse')
const usable = gcsfuse !== undefined && fuseAvailable()
if (!usable && inCI()) throw new Error('gcsfuse or FUSE is missing: run scripts/install/gcsfuse.sh and scripts/install/fuse.sh')
const service = usable ? await provideService('fake-gcs-server', startFakeGcs) : undefined
afterAll(() => service?.stop())

describeWithService(usable ? 'fsck on a bucket written by gcsfuse' : 'fsck on a bucket written by gcsfuse (gcsfuse or FUSE missing)', service, (gcs) => {
  it('finds gcsfuse symlinks and files without attributes, repairs them, and gcsfuse shows the same afterwards', async () => {
    const storage = emulatorStorage(gcs)
    const bucket = await freshBucket(storage, 'fsck-gcsfuse')
    const mountpoint = await mkdtemp(join(tmpdir(), 'gcsfuse-fsck-'))
    const args = ['--foreground', '--anonymous-access', '--custom-endpoint', `${gcs.url}/storage/v1/`, '--enable-hns=false', '--implicit-dirs',
      '--enable-atomic-rename-object=false', '--rename-dir-limit=100', '--log-severity=error', bucket, mountpoint]
    let mounted = await mountFuse(gcsfuse!, args, mountpoint)
    try {
      await writeTreeToDirectory(mountpoint)
      await mounted.unmount()
      // an older gcsfuse symlink: empty body, target only in metadata
      await storage.bucket(bucket).file('old-link').save('', { resumable: false, metadata: { metadata: { gcsfuse_symlink_target: 'times.txt' } } })
      const blobs = new GcsBlobStore({ storage, bucket })
      const volume = openBucketVolume(blobs)
      const before = strip(await volume.list('/', { depth: 10 }))
      expect(await volume.readlink('/old-link')).toBe('times.txt')

      const found = new Map<FsckFindingKind, string[]>()
      const report = await fsckBucket(blobs, '', { onFinding: (f) => found.set(f.kind, [...(found.get(f.kind) ?? []), f.path]) })
      console.log(`fsck on gcsfuse's bucket: ${report.findings} findings in ${report.objects} objects: ${JSON.stringify(report.byKind)}`)
      // files carry only gcsfuse_mtime, symlinks only gcsfuse's keys, directory markers nothing
      expect(found.get('foreign-metadata')).toEqual(expect.arrayContaining(['/link', '/old-link', '/modes/0600.txt', '/ünïcödé/ファイル ✓.txt']))
      expect(found.get('missing-metadata')).toEqual(expect.arrayContaining(['/empty', '/modes', '/modes/sticky', '/ünïcödé']))

      expect(await fsckBucket(blobs, '', { repair: true })).toMatchObject({ findings: report.findings, unrepaired: 0 })
      expect(await fsckBucket(blobs, '')).toMatchObject({ findings: 0 })
      expect(strip(await volume.list('/', { depth: 10 }))).toEqual(before)
      expect((await blobs.head('link'))?.metadata).toMatchObject({ mode: String(0o120777), 'goog-reserved-file-is-symlink': 'true' })
      expect(await volume.readlink('/old-link')).toBe('times.txt')

      mounted = await mountFuse(gcsfuse!, args, mountpoint)
      const shown = await readTreeFromDirectory(mountpoint, interopTree.filter((entry) => entry.type !== 'directory'))
      for (const entry of interopTree) {
        if (entry.type === 'directory') continue
        const info = await volume.getInfo(entry.path)
        expect({ path: entry.path, type: shown.get(entry.path)?.type, mtime: entry.type === 'file' ? shown.get(entry.path)?.mtime?.getTime() : undefined, target: shown.get(entry.path)?.target })
          .toEqual({ path: entry.path, type: info.type, mtime: entry.type === 'file' ? info.mtime.getTime() : undefined, target: info.target })
      }
    } finally {
      await mounted.unmount()
      await rm(mountpoint, { recursive: true, force: true })
    }
  })
})

function strip(entries: readonly EntryInfo[]): unknown[] {
  return entries.map(({ path, type, size, mode, uid, gid, mtime }) => ({ path, type, size: type === 'symlink' ? 0 : size, mode, uid, gid, mtime: mtime.getTime() }))
}
