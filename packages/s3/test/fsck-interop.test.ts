import { spawn } from 'node:child_process'
import { lstat, mkdtemp, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, expect, it } from 'vitest'
import { fsckBucket, openBucketVolume, type EntryInfo, type FsckFindingKind } from '@volumes/core'
import type { S3BlobStore } from '@volumes/s3'
import { describeWithService, findBinary, fuseAvailable, inCI, provideService, startMinio, writeTreeToDirectory, type MinioService } from '@volumes/testkit'
import { destroyStores, freshS3Store, rawClient, TEST_BUCKET } from './fixture.js'
import { mountS3fs, rcloneRun } from './interop-tools.js'

const repo = new URL('../../../', import.meta.url).pathname
const bin = join(repo, 'packages/cli/dist/bin.js')
const usable = findBinary('s3fs') !== undefined && findBinary('rclone') !== undefined && fuseAvailable()
if (!usable && inCI()) throw new Error('s3fs, rclone or FUSE is missing: run scripts/install/fuse.sh and scripts/install/rclone.sh')
const minio = usable ? ((await provideService('MinIO', () => startMinio())) as MinioService | undefined) : undefined
const temporary: string[] = []
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true })
  destroyStores()
  await minio?.stop()
})

/** Raw puts in s3fs's older forms (s3fs 1.90 reads them but no longer writes them). */
async function seedLegacy(service: MinioService, prefix: string): Promise<void> {
  const client = rawClient(service)
  const put = (key: string, body: string, metadata: Record<string, string>, contentType = 'application/octet-stream') =>
    client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: prefix + key, Body: body, Metadata: metadata, ContentType: contentType }))
  await put('legacy/old_$folder$', '', { mode: '16872', uid: '1000', gid: '1000', mtime: '1600000000' })
  await put('legacy/old/in.txt', 'in old', { mode: '33188', mtime: '1600000001' })
  await put('legacy/dirobj', '', { mode: '16877', uid: '7', mtime: '1600000002' }, 'application/x-directory')
  await put('legacy/dirobj/in.txt', 'in dirobj', { mode: '33188', mtime: '1600000003' })
  await put('legacy/octal.txt', 'octal', { mode: '0640', mtime: '1600000004' })
  client.destroy()
}

/** Each entry as s3fs shows it beside what the library shows: the number that agree and the disagreements. */
async function agreement(blobs: S3BlobStore, service: MinioService): Promise<{ agreed: number; checked: number; differences: string[] }> {
  const volume = openBucketVolume(blobs)
  const entries = await volume.list('/', { depth: 10 })
  const mounted = await mountS3fs(service, blobs.prefix)
  const differences: string[] = []
  let checked = 0
  try {
    for (const entry of entries) {
      const path = join(mounted.mountpoint, entry.path)
      const stats = await lstat(path).catch(() => undefined)
      const seen = stats && {
        type: stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : 'file', mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid,
        mtime: Math.floor(stats.mtimeMs / 1000), ...(entry.type === 'file' ? { size: stats.size } : {}), ...(stats.isSymbolicLink() ? { target: await readlink(path) } : {}),
      }
      const ours: Record<string, unknown> = { type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: Math.floor(entry.mtime.getTime() / 1000), ...(entry.type === 'file' ? { size: entry.size } : {}), ...(entry.type === 'symlink' ? { target: await volume.readlink(entry.path) } : {}) }
      for (const [attribute, value] of Object.entries(ours)) {
        checked++
        const theirs = (seen as Record<string, unknown> | undefined)?.[attribute]
        if (theirs !== value) differences.push(`${entry.path} ${attribute}: library ${String(value)}, s3fs ${String(theirs)}`)
      }
    }
  } finally {
    await mounted.dispose()
  }
  return { agreed: checked - differences.length, checked, differences }
}

describeWithService(usable ? 'fsck on buckets written by s3fs and rclone' : 'fsck on buckets written by s3fs and rclone (a tool is missing)', minio, (provided) => {
  const service = provided as MinioService

  it('finds each foreign form, --repair converts it, and s3fs and the library then agree on every attribute', async () => {
    const blobs = await freshS3Store(service, 'fsck-tools')
    const s3fsMount = await mountS3fs(service, `${blobs.prefix}s3fs`)
    expect(await writeTreeToDirectory(s3fsMount.mountpoint)).toEqual([])
    await s3fsMount.dispose()
    const local = await mkdtemp(join(tmpdir(), 'fsck-rclone-'))
    temporary.push(local)
    expect(await writeTreeToDirectory(local)).toEqual([])
    await rcloneRun(service, ['copy', '-M', local, `m:${TEST_BUCKET}/${blobs.prefix}rclone`])
    await seedLegacy(service, blobs.prefix)

    const before = await agreement(blobs, service)
    const found = new Map<FsckFindingKind, string[]>()
    const report = await fsckBucket(blobs, '', { onFinding: (f) => found.set(f.kind, [...(found.get(f.kind) ?? []), f.path]) })
    console.log(`fsck found ${report.findings} in ${report.objects} objects: ${JSON.stringify(report.byKind)}; s3fs agreed with the library on ${before.agreed}/${before.checked} before`)
    expect(found.get('legacy-marker')).toEqual(['/legacy/old'])
    expect(found.get('directory-object')).toEqual(['/legacy/dirobj'])
    expect(found.get('foreign-metadata')).toEqual(expect.arrayContaining(['/legacy/octal.txt', '/rclone/modes/0600.txt', '/rclone/owned.txt', '/rclone/ünïcödé/ファイル ✓.txt']))
    expect(found.get('missing-marker')).toEqual(expect.arrayContaining(['/rclone', '/rclone/modes', '/rclone/ünïcödé']))

    // MinIO does not list keys under legacy/dirobj/ while the object legacy/dirobj exists: a second pass of the repair finds them
    const listedBefore = strip(await openBucketVolume(blobs).list('/', { depth: 10 })).filter((entry) => !(entry as { path: string }).path.startsWith('/legacy/dirobj/'))
    const repaired = await fsckBucket(blobs, '', { repair: true })
    expect(repaired).toMatchObject({ unrepaired: 0 })
    expect(repaired.findings).toBeGreaterThanOrEqual(report.findings)
    const left: string[] = []
    await fsckBucket(blobs, '', { onFinding: (f) => left.push(`${f.kind} ${f.path}: ${f.detail}`) })
    expect(left).toEqual([])
    // content, modes, owners and file times as the library read them before (implicit directories now have markers dated by their newest child)
    const listedAfter = strip(await openBucketVolume(blobs).list('/', { depth: 10 }))
    expect(listedAfter.filter((entry) => !(entry as { path: string }).path.startsWith('/legacy/dirobj/'))).toEqual(listedBefore)
    expect(await openBucketVolume(blobs).readFile('/legacy/dirobj/in.txt')).toBe('in dirobj')
    const after = await agreement(blobs, service)
    console.log(`after --repair s3fs agrees with the library on ${after.agreed}/${after.checked}`)
    expect(after.differences).toEqual([])
  })

  it('a repair killed with SIGKILL mid-run loses nothing, and the next run finishes it', async () => {
    const blobs = await freshS3Store(service, 'fsck-kill')
    const client = rawClient(service)
    const long = 'a-rather-long-directory-name-so-that-each-finding-line-is-long/'.repeat(2)
    const seeds = Array.from({ length: 80 }, (_, i) => i)
    for (let start = 0; start < seeds.length; start += 40) {
      await Promise.all(seeds.slice(start, start + 40).map(async (i) => {
        const base = `${blobs.prefix}${long}${String(i).padStart(3, '0')}`
        const forms = [
          { Key: `${base}-rclone.txt`, Body: `file ${i}`, Metadata: { mode: '100600', mtime: `${1600000000 + i}.5`, atime: '2023-11-14T22:13:21Z', uid: '1000', gid: '1000' } },
          { Key: `${base}-legacy_$folder$`, Body: '', Metadata: { mode: '16872', uid: String(i), mtime: String(1600000000 + i) } },
          { Key: `${base}-dirobj`, Body: '', Metadata: { mode: '16877', uid: String(i), mtime: String(1600000000 + i) } },
        ]
        for (const form of forms) await client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, ...form }))
      }))
    }
    client.destroy()
    const volume = openBucketVolume(blobs)
    const before = strip(await volume.list('/', { depth: 10 }))
    const url = `s3://${TEST_BUCKET}/${blobs.prefix}?endpoint=${encodeURIComponent(service.endpoint)}`
    const env = { ...process.env, AWS_ACCESS_KEY_ID: service.accessKeyId, AWS_SECRET_ACCESS_KEY: service.secretAccessKey, AWS_REGION: service.region }

    const child = spawn(process.execPath, [bin, 'fsck', url, '--repair'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let repairedLines = 0
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.endsWith('\trepaired')) repairedLines++
      if (repairedLines === 25) break
    }
    child.kill('SIGKILL')
    expect(await exited).toBeNull()
    expect(strip(await volume.list('/', { depth: 10 }))).toEqual(before)
    const second = await fsckBucket(blobs, '', { repair: true })
    expect(second.repaired).toBeGreaterThan(0)
    expect(second).toMatchObject({ unrepaired: 0 })
    expect(strip(await volume.list('/', { depth: 10 }))).toEqual(before)
    const final = await fsckBucket(blobs, '')
    expect(final.findings).toBe(0)
    expect(final.objects).toBeGreaterThanOrEqual(3 * 80 + 2) // the tree, plus what the store-level checks list
  })
})

/** What must not change: path, type, size, content-bearing attributes; directory times only where stored. */
function strip(entries: readonly EntryInfo[]): unknown[] {
  return entries.map(({ path, type, size, mode, uid, gid, mtime, target }) => ({ path, type, size, mode, uid, gid, target, mtime: type === 'directory' ? undefined : mtime.getTime() }))
}
