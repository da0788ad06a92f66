import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openBucketVolume } from '@volumes/core'
import { GcsBlobStore } from '@volumes/gcs'
import {
  AttributeTally, describeWithService, findBinary, fuseAvailable, inCI, interopTree, mountFuse, provideService, readTreeFromDirectory,
  readTreeFromVolume, startFakeGcs, writeTreeToDirectory, writeTreeToVolume, type CarriedAttribute, type FuseMount, type TestService,
} from '@volumes/testkit'
import { emulatorStorage, freshBucket } from './fixture.js'

const gcsfuse = findBinary('gcsfuse')
const usable = gcsfuse !== undefined && fuseAvailable()
if (!usable && inCI()) throw new Error('gcsfuse or FUSE is missing: run scripts/install/gcsfuse.sh and scripts/install/fuse.sh')
const service = usable ? await provideService('fake-gcs-server', startFakeGcs) : undefined
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await service?.stop()
})

/**
 * What gcsfuse stores and shows: type (directories, empty ones too, symlinks), size, content, a
 * file's mtime (gcsfuse_mtime), symlink targets, unicode names. Its modes and owners are the
 * mount's flags, and directories and symlinks show no stored time.
 */
const carried: CarriedAttribute[] = ['type', 'size', 'content', 'mtime:file', 'target']

/** Mounts a bucket of the emulator with the flags the issue names (anonymous, custom endpoint, implicit dirs). */
async function mount(gcs: TestService, bucket: string): Promise<FuseMount> {
  const mountpoint = await mkdtemp(join(tmpdir(), 'gcsfuse-'))
  const args = ['--foreground', '--anonymous-access', '--custom-endpoint', `${gcs.url}/storage/v1/`, '--enable-hns=false', '--implicit-dirs',
    '--enable-atomic-rename-object=false', '--rename-dir-limit=100', '--log-severity=error', bucket, mountpoint]
  const mounted = await mountFuse(gcsfuse!, args, mountpoint)
  cleanups.push(async () => {
    await mounted.unmount()
    await rm(mountpoint, { recursive: true, force: true })
  })
  return mounted
}

describeWithService(usable ? 'interop with gcsfuse' : 'interop with gcsfuse (gcsfuse or FUSE missing)', service, (gcs) => {
  let storage: ReturnType<typeof emulatorStorage>
  beforeAll(() => {
    storage = emulatorStorage(gcs)
  })

  it('library → gcsfuse mount: gcsfuse shows the type, size, content, mtime and symlinks we write', async () => {
    const bucket = await freshBucket(storage, 'to-gcsfuse')
    await writeTreeToVolume(openBucketVolume(new GcsBlobStore({ storage, bucket })))
    const mounted = await mount(gcs, bucket)
    const tally = AttributeTally.of('library → gcsfuse', interopTree, await readTreeFromDirectory(mounted.mountpoint))
    console.log(tally.summary())
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total().checked).toBe(74)
    await mounted.unmount()
  })

  it('gcsfuse mount → library: a volume shows what gcsfuse stored', async () => {
    const bucket = await freshBucket(storage, 'from-gcsfuse')
    const mounted = await mount(gcs, bucket)
    const refused = await writeTreeToDirectory(mounted.mountpoint)
    const shown = await readTreeFromDirectory(mounted.mountpoint)
    await mounted.unmount()
    const volume = openBucketVolume(new GcsBlobStore({ storage, bucket }))
    const seen = await readTreeFromVolume(volume)
    const tally = AttributeTally.of('gcsfuse → library', interopTree, seen)
    console.log(tally.summary(), refused.length > 0 ? `(gcsfuse refused: ${refused.join('; ')})` : '')
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total().checked).toBe(74)
    // the mount showed the same file times as we do
    for (const entry of interopTree) if (entry.type === 'file') expect(seen.get(entry.path)?.mtime?.getTime()).toBe(shown.get(entry.path)?.mtime?.getTime())
  })
})
