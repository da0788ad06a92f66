import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalBlobStore } from '@volumes/local'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
})
afterEach(async () => {
  await box.dispose()
})

/** Puts objects in rclone's and s3fs's older forms into the volume `v`, behind the library's back. */
async function seedForeign(): Promise<void> {
  expect((await box.run(['create', 'v'])).status).toBe(0)
  const id = JSON.parse((await box.run(['info', 'v', '--json'])).stdout).volumeId as string
  const blobs = new LocalBlobStore({ root: box.home })
  const put = (key: string, body: string, metadata: Record<string, string>) => blobs.put(`${id}/${key}`, new TextEncoder().encode(body), { metadata })
  await put('rclone.txt', 'from rclone', { mode: '100600', mtime: '1700000000.5', uid: '1000', gid: '1000' })
  await put('old_$folder$', '', { mode: '16872', mtime: '1600000000' })
}

describe('volumes fsck', () => {
  it('reports foreign forms one per line and exits 1; --repair fixes them; a clean volume exits 0', async () => {
    await seedForeign()
    const report = await box.run(['fsck', 'v'])
    expect(report.status).toBe(1)
    const lines = report.stdout.trim().split('\n').sort()
    expect(lines).toEqual([
      expect.stringMatching(/^foreign-metadata\t\/rclone\.txt\tmode 100600 is rclone's octal st_mode; mtime 1700000000\.5 is not <seconds>\.<9 digits>\trepairable$/),
      expect.stringMatching(/^legacy-marker\t\/old\tlegacy directory marker old_\$folder\$\trepairable$/),
      expect.stringMatching(/^usage-mismatch\t\.registry\/usage\/vol-[a-z2-7]+\tusage says 0 bytes, 0 inodes; a recount finds 11 bytes, 2 inodes\trepairable$/),
    ])
    expect(report.stderr).toMatch(/fsck: done: \d+ objects, 3 findings, 0 repaired, 3 left\n/)
    expect(report.stderr).toMatch(/3 finding\(s\) left \(run with --repair\)/)

    const repaired = await box.run(['fsck', 'v', '--repair'])
    expect(repaired.status).toBe(0)
    expect(repaired.stdout.trim().split('\n').every((line) => line.endsWith('\trepaired'))).toBe(true)
    const listing = (await box.run(['ls', '-l', 'v:/'])).stdout
    expect(listing).toMatch(/^drwxr-x--- +0 +0 .* old\/\n-rw------- +1000 +1000 .* rclone\.txt\n$/)
    const clean = await box.run(['fsck', 'v', '--json'])
    expect(clean.status).toBe(0)
    expect(JSON.parse(clean.stdout.trim())).toMatchObject({ summary: { findings: 0, repaired: 0, unrepaired: 0 } })
  })
})
