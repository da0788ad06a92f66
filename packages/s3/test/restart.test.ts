import { afterAll, expect, it } from 'vitest'
import { VolumeStore, withRetry } from '@volumes/core'
import { describeWithService, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { S3BlobStore } from '@volumes/s3'
import { clientConfig, destroyStores, freshS3Store, TEST_BUCKET } from './fixture.js'

const minio = (await provideService('MinIO (restartable)', () => startMinio({ restartable: true }))) as MinioService | undefined
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

describeWithService('a volume on S3 survives a MinIO restart', minio, (provided) => {
  const service = provided as MinioService
  it('keeps mode, uid, gid and mtime of files and directories, read back through a new adapter', async () => {
    const blobs = await freshS3Store(service, 'restart')
    const volume = await new VolumeStore({ blobs }).create('survivor', { sizeGb: 1 })
    const mtime = new Date('2021-03-04T05:06:07.089Z')
    await volume.makeDir('/etc/app', { force: true, mode: 0o750, uid: 1000, gid: 1001 })
    await volume.writeFile('/etc/app/run.sh', '#!/bin/sh\necho hi\n', { mode: 0o755, uid: 1000, gid: 1001, mtime })
    await volume.writeFile('/etc/app/secret', 'k', { mode: 0o600, uid: 0, gid: 0 })
    await volume.updateMetadata('/etc/app/secret', { uid: 33, gid: 33 })
    const paths = ['/etc/app', '/etc/app/run.sh', '/etc/app/secret']
    const before = await Promise.all(paths.map((path) => volume.getInfo(path)))

    await service.restart()

    const reopened = await S3BlobStore.open({ ...clientConfig(service), bucket: TEST_BUCKET, prefix: blobs.prefix })
    try {
      const again = await new VolumeStore({ blobs: reopened }).connect('survivor')
      const after = await Promise.all(paths.map((path) => again.getInfo(path)))
      for (const [i, info] of after.entries()) {
        expect(info).toMatchObject({ type: before[i]!.type, mode: before[i]!.mode, uid: before[i]!.uid, gid: before[i]!.gid, size: before[i]!.size })
        expect(info.mtime.getTime()).toBe(before[i]!.mtime.getTime())
      }
      expect(after[1]).toMatchObject({ mode: 0o755, uid: 1000, gid: 1001 })
      expect(after[1]!.mtime.toISOString()).toBe(mtime.toISOString())
      expect(after[2]).toMatchObject({ mode: 0o600, uid: 33, gid: 33 })
      expect(await again.readFile('/etc/app/run.sh')).toBe('#!/bin/sh\necho hi\n')
      // The old adapter's pooled sockets died with the server: at worst a temporary error the retry layer absorbs.
      expect((await withRetry(blobs, { attempts: 3, baseDelayMs: 50 }).head(`${volume.volumeId}/etc/app/run.sh`))?.metadata?.uid).toBe('1000')
    } finally {
      reopened.destroy()
    }
  }, 120_000)
})
