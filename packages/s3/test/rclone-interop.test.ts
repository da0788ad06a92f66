import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openBucketVolume } from '@volumes/core'
import {
  AttributeTally, describeWithService, findBinary, inCI, interopTree, provideService, readTreeFromDirectory, readTreeFromVolume, startMinio,
  writeTreeToDirectory, writeTreeToVolume, type CarriedAttribute, type MinioService,
} from '@volumes/testkit'
import { destroyStores, freshS3Store, TEST_BUCKET } from './fixture.js'
import { rcloneRun } from './interop-tools.js'

const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const rclone = findBinary('rclone')
if (!rclone && inCI()) throw new Error('rclone is missing: install it with scripts/install/rclone.sh')
const temporary: string[] = []
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true })
  destroyStores()
  await minio?.stop()
})

async function localDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `rclone-${label}-`))
  temporary.push(dir)
  return dir
}

describeWithService(rclone ? 'bucket interop with rclone' : 'bucket interop with rclone (rclone missing)', rclone ? minio : undefined, (provided) => {
  const service = provided as MinioService

  it('rclone reads the mtime, mode, uid and gid we write; we read what rclone writes', async () => {
    const blobs = await freshS3Store(service, 'rclone')
    const volume = openBucketVolume(blobs)
    const mtime = new Date('2020-01-02T03:04:05.678Z')
    await volume.writeFile('/dir/hello.txt', 'hello rclone\n', { mode: 0o600, uid: 1000, gid: 1001, mtime })
    const remote = `m:${TEST_BUCKET}/${blobs.prefix}`

    const listed = JSON.parse(await rcloneRun(service, ['lsjson', '-M', '--recursive', '--files-only', remote])) as { Path: string; Size: number; ModTime: string; Metadata: Record<string, string> }[]
    const hello = listed.find((entry) => entry.Path === 'dir/hello.txt')
    expect(hello).toBeDefined()
    expect(hello!.Size).toBe(13)
    expect(new Date(hello!.ModTime).toISOString()).toBe(mtime.toISOString())
    expect(hello!.Metadata).toMatchObject({ mode: String(0o100600), uid: '1000', gid: '1001' })
    expect(await rcloneRun(service, ['cat', `${remote}dir/hello.txt`])).toBe('hello rclone\n')

    await rcloneRun(service, ['rcat', `${remote}from-rclone.txt`], 'written by rclone\n')
    expect(await volume.readFile('/from-rclone.txt')).toBe('written by rclone\n')
    const info = await volume.getInfo('/from-rclone.txt')
    expect(info).toMatchObject({ type: 'file', size: 18, mode: 0o644, uid: 0, gid: 0 })
    expect(Math.abs(info.mtime.getTime() - Date.now())).toBeLessThan(120_000)
    expect((await volume.list('/')).map((entry) => entry.name)).toEqual(['dir', 'from-rclone.txt'])
  })

  it('library → rclone copy -M: rclone downloads the type, size, content and mtime we write', async () => {
    const blobs = await freshS3Store(service, 'to-rclone')
    await writeTreeToVolume(openBucketVolume(blobs))
    const local = await localDir('down')
    await rcloneRun(service, ['copy', '-M', '--create-empty-src-dirs', `m:${TEST_BUCKET}/${blobs.prefix}`, local])
    const tally = AttributeTally.of('library → rclone', interopTree, await readTreeFromDirectory(local))
    console.log(tally.summary())
    // rclone reads our decimal mode as octal and cannot apply it; symlinks arrive as files holding the target; directories keep no times
    const carried: CarriedAttribute[] = ['size', 'content', 'mtime:file', 'type:file', 'type:directory', 'uid:file', 'gid:file']
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total().checked).toBe(74)
  })

  it('rclone copy -M → library: a volume shows the octal modes, owners and times rclone stores', async () => {
    const local = await localDir('up')
    expect(await writeTreeToDirectory(local)).toEqual([])
    const blobs = await freshS3Store(service, 'from-rclone')
    await rcloneRun(service, ['copy', '-M', '--create-empty-src-dirs', local, `m:${TEST_BUCKET}/${blobs.prefix}`])
    const tally = AttributeTally.of('rclone → library', interopTree, await readTreeFromVolume(openBucketVolume(blobs)))
    console.log(tally.summary())
    // rclone stores no directories (no markers, so no empty ones and no directory attributes) and does not follow or keep symlinks without -l
    const carried: CarriedAttribute[] = ['size', 'content', 'type:file', 'mode:file', 'uid:file', 'gid:file', 'mtime:file']
    expect(tally.missesOf(carried)).toEqual([])
    expect(tally.total().checked).toBe(74)
  })
})
