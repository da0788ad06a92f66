import { afterAll, expect, it } from 'vitest'
import { openBucketVolume } from '@volumes/core'
import {
  AttributeTally, describeWithService, findBinary, fuseAvailable, inCI, interopTree, provideService, readTreeFromDirectory,
  readTreeFromVolume, startMinio, writeTreeToDirectory, writeTreeToVolume, type CarriedAttribute, type MinioService,
} from '@volumes/testkit'
import { destroyStores, freshS3Store } from './fixture.js'
import { mountS3fs, type ToolMount } from './interop-tools.js'

const s3fs = findBinary('s3fs')
const usable = s3fs !== undefined && fuseAvailable()
if (!usable && inCI()) throw new Error('s3fs or FUSE is missing: run scripts/install/fuse.sh')
const minio = usable ? ((await provideService('MinIO', () => startMinio())) as MinioService | undefined) : undefined
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  destroyStores()
  await minio?.stop()
})

/** s3fs keeps every attribute the tree has: modes with the special bits, owners, times, symlinks, empty and unicode directories. */
const carried: CarriedAttribute[] = ['type', 'size', 'content', 'mode', 'uid', 'gid', 'mtime', 'target']

async function mount(service: MinioService, prefix: string): Promise<ToolMount> {
  const mounted = await mountS3fs(service, prefix)
  cleanups.push(() => mounted.dispose())
  return mounted
}

describeWithService(usable ? 'interop with s3fs' : 'interop with s3fs (s3fs or FUSE missing)', minio, (provided) => {
  const service = provided as MinioService

  it('library → s3fs mount: s3fs shows every attribute we write', async () => {
    const blobs = await freshS3Store(service, 'to-s3fs')
    await writeTreeToVolume(openBucketVolume(blobs))
    const mounted = await mount(service, blobs.prefix)
    const tally = AttributeTally.of('library → s3fs', interopTree, await readTreeFromDirectory(mounted.mountpoint))
    console.log(tally.summary())
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total()).toEqual({ matched: 74, checked: 74 })
    await mounted.unmount()
  })

  it('s3fs mount → library: a volume shows every attribute s3fs stored', async () => {
    const blobs = await freshS3Store(service, 'from-s3fs')
    const mounted = await mount(service, blobs.prefix)
    const refused = await writeTreeToDirectory(mounted.mountpoint)
    await mounted.unmount()
    expect(refused).toEqual([])
    const tally = AttributeTally.of('s3fs → library', interopTree, await readTreeFromVolume(openBucketVolume(blobs)))
    console.log(tally.summary())
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total()).toEqual({ matched: 74, checked: 74 })
  })
})
