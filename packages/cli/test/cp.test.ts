import { execFile } from 'node:child_process'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
  await mkdir(join(box.work, 'tree', 'sub', 'deeper'), { recursive: true })
  await writeFile(join(box.work, 'tree', 'one.txt'), 'one\n')
  await writeFile(join(box.work, 'tree', 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 })
  await writeFile(join(box.work, 'tree', 'sub', 'two.bin'), Buffer.alloc(70_000, 7))
  await writeFile(join(box.work, 'tree', 'sub', 'deeper', 'three.txt'), 'three\n')
  expect((await box.run(['create', 'v'])).status).toBe(0)
})
afterEach(async () => {
  await box.dispose()
})

/** `diff -r` of two local trees: content and names (exit 0 when identical). */
async function diff(a: string, b: string): Promise<string> {
  const { stdout } = await promisify(execFile)('diff', ['-r', a, b])
  return stdout
}

describe('cp local → volume', () => {
  it('copies a file, keeping its mode, and prints one summary line off a terminal', async () => {
    const result = await box.run(['cp', 'tree/run.sh', 'v:/bin/run.sh'])
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^copied tree\/run\.sh to v:\/bin\/run\.sh \(18 B\) in \d+\.\ds\n$/)
    expect((await box.run(['ls', '-l', 'v:/bin'])).stdout).toMatch(/^-rwxr-xr-x .* run\.sh\n$/)
    expect((await box.run(['cat', 'v:/bin/run.sh'])).stdout).toBe('#!/bin/sh\necho hi\n')
  })

  it('copies into an existing directory, or into a directory named with a trailing slash', async () => {
    await box.run(['mkdir', 'v:/d'])
    expect((await box.run(['cp', '-q', 'tree/one.txt', 'v:/d'])).status).toBe(0)
    expect((await box.run(['cp', '-q', 'tree/one.txt', 'tree/run.sh', 'v:/e/'])).status).toBe(0)
    expect((await box.run(['ls', '--depth', '2', 'v:/'])).stdout).toBe('d/\nd/one.txt\ne/\ne/one.txt\ne/run.sh\n')
  })

  it('copies a directory with -r, with a summary', async () => {
    const result = await box.run(['cp', '-r', 'tree', 'v:/tree'])
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/^copied 4 files and 2 directories \(68\.4 KiB\) from tree to v:\/tree in \d+\.\ds\n$/)
    expect((await box.run(['ls', '--depth', '3', 'v:/tree'])).stdout).toBe('one.txt\nrun.sh\nsub/\nsub/deeper/\nsub/deeper/three.txt\nsub/two.bin\n')
    // A second copy onto the now existing directory lands inside it, as cp -r does.
    await box.run(['cp', '-r', '-q', 'tree', 'v:/tree'])
    expect((await box.run(['ls', 'v:/tree'])).stdout).toBe('one.txt\nrun.sh\nsub/\ntree/\n')
  })

  it('on a terminal, clears any progress bar before the summary', async () => {
    await writeFile(join(box.work, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1))
    const result = await box.run(['cp', 'big.bin', 'v:/big.bin'], { isTTY: true })
    expect(result.status).toBe(0)
    const lastLine = result.stderr.split('\r\x1b[2K').at(-1)
    expect(lastLine).toMatch(/^copied big\.bin to v:\/big\.bin \(8\.0 MiB\) in \d+\.\ds\n$/)
  })

  it('fails on a directory without -r (EISDIR) and on a missing local file (ENOENT)', async () => {
    expect((await box.run(['cp', 'tree', 'v:/t'])).stderr).toBe("volumes: EISDIR: is a directory (use -r to copy it), cp 'tree'\n")
    const missing = await box.run(['cp', 'nope.txt', 'v:/nope.txt'])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toBe(`volumes: ENOENT: no such file or directory, stat '${join(box.work, 'nope.txt')}'\n`)
  })

  it('refuses a destination escaping the volume (EINVAL)', async () => {
    expect(await box.run(['cp', 'tree/one.txt', 'v:/../x'])).toEqual({ status: 1, stdout: '', stderr: "volumes: EINVAL: path escapes the volume root, cp '/../x'\n" })
  })
})

describe('cp volume → local', () => {
  beforeEach(async () => {
    expect((await box.run(['cp', '-q', '-r', 'tree', 'v:/tree'])).status).toBe(0)
  })

  it('copies a file out, streamed, with its mode', async () => {
    const result = await box.run(['cp', 'v:/tree/run.sh', 'out.sh'])
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/^copied v:\/tree\/run\.sh to out\.sh \(18 B\)/)
    expect(await readFile(join(box.work, 'out.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n')
    expect((await stat(join(box.work, 'out.sh'))).mode & 0o777).toBe(0o755)
    expect((await box.run(['cp', '-q', 'v:/tree/one.txt', '.'])).status).toBe(0)
    expect(await readFile(join(box.work, 'one.txt'), 'utf8')).toBe('one\n')
  })

  it('copies a directory out with -r; the copy equals the original', async () => {
    const result = await box.run(['cp', '-r', 'v:/tree', 'back'])
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/^copied 4 files and 2 directories \(68\.4 KiB\) from v:\/tree to back in/)
    expect(await diff(join(box.work, 'tree'), join(box.work, 'back'))).toBe('')
  })

  it('fails with ENOENT for a missing volume file and EISDIR for a directory without -r', async () => {
    expect(await box.run(['cp', 'v:/nope', 'x'])).toEqual({ status: 1, stdout: '', stderr: "volumes: ENOENT: no such file or directory, stat '/nope'\n" })
    expect((await box.run(['cp', 'v:/tree', 'x'])).stderr).toBe("volumes: EISDIR: is a directory (use -r to copy it), cp '/tree'\n")
  })
})

describe('cp volume → volume', () => {
  beforeEach(async () => {
    expect((await box.run(['cp', '-q', '-r', 'tree', 'v:/tree'])).status).toBe(0)
  })

  it('copies within one volume with Volume.copy', async () => {
    expect((await box.run(['cp', '-q', 'v:/tree/one.txt', 'v:/one-copy.txt'])).status).toBe(0)
    expect((await box.run(['cp', '-q', '-r', 'v:/tree', 'v:/tree2'])).status).toBe(0)
    expect((await box.run(['cat', 'v:/one-copy.txt', 'v:/tree2/sub/deeper/three.txt'])).stdout).toBe('one\nthree\n')
  })

  it('copies between two volumes, keeping mode', async () => {
    await box.run(['create', 'w'])
    const result = await box.run(['cp', '-r', 'v:/tree', 'w:/copied'])
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/^copied 4 files and 2 directories \(68\.4 KiB\) from v:\/tree to w:\/copied in/)
    expect((await box.run(['ls', '--depth', '3', 'w:/copied'])).stdout).toBe('one.txt\nrun.sh\nsub/\nsub/deeper/\nsub/deeper/three.txt\nsub/two.bin\n')
    expect((await box.run(['ls', '-l', 'w:/copied/run.sh'])).stdout).toMatch(/^-rwxr-xr-x /)
    expect((await box.run(['cp', '-q', 'v:/tree/one.txt', 'w:/'])).status).toBe(0)
    expect((await box.run(['cat', 'w:/one.txt'])).stdout).toBe('one\n')
  })
})

describe('cp usage', () => {
  it('needs two arguments and a volume on one side', async () => {
    expect((await box.run(['cp', 'a'])).stderr).toBe("volumes: missing destination (see 'volumes cp --help')\n")
    const local = await box.run(['cp', 'a', 'b'])
    expect(local.status).toBe(2)
    expect(local.stderr).toContain('one side must be a volume path')
  })
})
