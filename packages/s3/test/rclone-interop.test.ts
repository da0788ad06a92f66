import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { openBucketVolume } from '@volumes/core'
import { describeWithService, findBinary, inCI, provideService, startMinio, type MinioService } from '@volumes/testkit'
import { destroyStores, freshS3Store, TEST_BUCKET } from './fixture.js'

const run = promisify(execFile)
const minio = (await provideService('MinIO', () => startMinio())) as MinioService | undefined
const rclone = findBinary('rclone')
if (!rclone && inCI()) throw new Error('rclone is missing: install it with scripts/install/rclone.sh')
afterAll(async () => {
  destroyStores()
  await minio?.stop()
})

/** Runs rclone against the MinIO through an on-the-fly remote `m:` (no config file). */
async function rcloneRun(service: MinioService, args: string[], input?: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_M_TYPE: 's3',
    RCLONE_CONFIG_M_PROVIDER: 'Minio',
    RCLONE_CONFIG_M_ENDPOINT: service.endpoint,
    RCLONE_CONFIG_M_ACCESS_KEY_ID: service.accessKeyId,
    RCLONE_CONFIG_M_SECRET_ACCESS_KEY: service.secretAccessKey,
  }
  delete env.AWS_CA_BUNDLE
  if (input === undefined) return (await run(rclone!, args, { env })).stdout
  return new Promise((resolve, reject) => {
    const child = execFile(rclone!, args, { env }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
    child.stdin?.end(input)
  })
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
})
