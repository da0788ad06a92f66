import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
})
afterEach(async () => {
  await box.dispose()
})

describe('create', () => {
  it('creates a volume and prints its id', async () => {
    const result = await box.run(['create', 'my-vol', '--size', '5', '--label', 'team=data', '--label', 'env=dev'])
    expect(result).toMatchObject({ status: 0, stderr: '' })
    expect(result.stdout).toMatch(/^created volume my-vol \(vol-[a-z2-7]{20}\), 5 GB in local, labels team=data,env=dev\n$/)
  })

  it('prints the record as JSON', async () => {
    const result = await box.run(['create', 'json-vol', '--region', 'eu', '--json'])
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'json-vol', sizeGb: 1, region: 'eu', labels: {} })
  })

  it('refuses a taken name with EEXIST (exit 1)', async () => {
    await box.run(['create', 'twice'])
    const result = await box.run(['create', 'twice'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^volumes: EEXIST: .*\n$/)
  })

  it('says the naming rule for an invalid name (EINVAL, exit 1)', async () => {
    const result = await box.run(['create', 'bad_name!'])
    expect(result.status).toBe(1)
    expect(result.stderr).toBe("volumes: EINVAL: Volume names can only contain letters, numbers, and hyphens (at most 63 characters), create 'bad_name!'\n")
  })

  it('passes an out-of-range size to the policy (EINVAL) and a non-number is a usage error', async () => {
    const tooBig = await box.run(['create', 'big', '--size', '1000'])
    expect(tooBig.status).toBe(1)
    expect(tooBig.stderr).toMatch(/^volumes: EINVAL: Size must be 1-100 GB \(got 1000\)/)
    const notNumber = await box.run(['create', 'big', '--size', 'lots'])
    expect(notNumber.status).toBe(2)
    expect(notNumber.stderr).toBe("volumes: --size must be a whole number from 0 to 9007199254740991 (got 'lots') (see 'volumes create --help')\n")
  })

  it('rejects a malformed label and a missing name as usage errors', async () => {
    expect((await box.run(['create', 'x', '--label', 'novalue'])).status).toBe(2)
    const missing = await box.run(['create'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe("volumes: missing volume name (see 'volumes create --help')\n")
  })
})

describe('list', () => {
  it('says so when there are no volumes', async () => {
    const result = await box.run(['list'])
    expect(result).toEqual({ status: 0, stdout: '', stderr: 'no volumes (create one with: volumes create <name>)\n' })
  })

  it('prints a table sorted by name, and JSON on request', async () => {
    await box.run(['create', 'zeta', '--label', 'a=b'])
    await box.run(['create', 'alpha', '--size', '10'])
    const table = await box.run(['list'])
    expect(table.status).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+ID\s+SIZE\s+REGION\s+CREATED\s+LABELS$/)
    expect(lines[1]).toMatch(/^alpha\s+vol-\S+\s+10 GB\s+local\s+\d{4}-\d\d-\d\d \d\d:\d\d$/)
    expect(lines[2]).toMatch(/^zeta\s+vol-\S+\s+1 GB\s+local\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+a=b$/)
    const json = JSON.parse((await box.run(['list', '--json'])).stdout) as { name: string }[]
    expect(json.map((volume) => volume.name)).toEqual(['alpha', 'zeta'])
  })
})

describe('info', () => {
  it('shows a record by name or by id', async () => {
    const created = JSON.parse((await box.run(['create', 'info-vol', '--json'])).stdout) as { volumeId: string }
    const byName = await box.run(['info', 'info-vol'])
    expect(byName.status).toBe(0)
    expect(byName.stdout).toContain(`ID:       ${created.volumeId}\n`)
    expect(byName.stdout).toContain('Labels:   -\n')
    const byId = JSON.parse((await box.run(['info', created.volumeId, '--json'])).stdout) as { name: string }
    expect(byId.name).toBe('info-vol')
  })

  it('fails with ENOENT for a missing volume', async () => {
    const result = await box.run(['info', 'nope'])
    expect(result).toEqual({ status: 1, stdout: '', stderr: `volumes: ENOENT: Volume "nope" not found, getInfo 'nope'\n` })
  })
})

describe('destroy', () => {
  it('deletes a volume and its files', async () => {
    await box.run(['create', 'doomed'])
    await box.run(['mkdir', 'doomed:/d'])
    const result = await box.run(['destroy', 'doomed'])
    expect(result).toEqual({ status: 0, stdout: 'destroyed volume doomed\n', stderr: '' })
    expect((await box.run(['info', 'doomed'])).status).toBe(1)
    expect((await box.run(['create', 'doomed'])).status).toBe(0)
  })

  it('fails with ENOENT for a missing volume, unless --force', async () => {
    const missing = await box.run(['destroy', 'ghost'])
    expect(missing).toEqual({ status: 1, stdout: '', stderr: `volumes: ENOENT: Volume "ghost" not found, destroy 'ghost'\n` })
    expect(await box.run(['destroy', 'ghost', '--force'])).toEqual({ status: 0, stdout: '', stderr: '' })
  })
})
