import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
})
afterEach(async () => {
  await box.dispose()
})

describe('snapshot, fork, restore', () => {
  it('checkpoints, branches and rolls back; refuses bad input with exit 1 or 2', async () => {
    expect((await box.run(['create', 'ws'])).status).toBe(0)
    expect((await box.run(['mkdir', 'ws:/a'])).status).toBe(0)
    const made = await box.run(['snapshot', 'create', 'ws', '--name', 'cp1', '--json'])
    expect(made.status).toBe(0)
    const snap = JSON.parse(made.stdout) as { snapshotId: string; name: string; files: number }
    expect(snap).toMatchObject({ name: 'cp1', files: 0 })
    expect((await box.run(['rm', '-r', 'ws:/a'])).status).toBe(0)
    const forked = await box.run(['fork', snap.snapshotId, 'ws-branch'])
    expect(forked.stdout).toMatch(/^forked snap-[a-z2-7]{20} into volume ws-branch \(vol-[a-z2-7]{20}\)\n$/)
    expect((await box.run(['stat', 'ws-branch:/a'])).status).toBe(0)
    expect((await box.run(['restore', 'ws', snap.snapshotId])).status).toBe(0)
    expect((await box.run(['stat', 'ws:/a'])).status).toBe(0)
    const listed = await box.run(['snapshot', 'list', 'ws', '--json'])
    expect((JSON.parse(listed.stdout) as { snapshotId: string }[]).map((s) => s.snapshotId)).toEqual([snap.snapshotId])
    const taken = await box.run(['fork', snap.snapshotId, 'ws'])
    expect([taken.status, taken.stderr]).toEqual([1, expect.stringMatching(/^volumes: EEXIST: /)])
    const unknown = await box.run(['restore', 'ws', 'snap-aaaaaaaaaaaaaaaaaaaa'])
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringMatching(/^volumes: ENOENT: Snapshot /)])
    const busy = await box.run(['destroy', 'ws'])
    expect([busy.status, busy.stderr]).toEqual([1, expect.stringMatching(/^volumes: EBUSY: /)])
    expect((await box.run(['snapshot', 'delete', snap.snapshotId])).status).toBe(0)
    expect((await box.run(['snapshot', 'delete', snap.snapshotId])).status).toBe(1)
    expect((await box.run(['destroy', 'ws'])).status).toBe(0)
    expect((await box.run(['snapshot', 'frobnicate'])).status).not.toBe(0)
  })
})
