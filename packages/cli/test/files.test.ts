import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

let box: Sandbox
beforeEach(async () => {
  box = await sandbox()
  await mkdir(join(box.work, 'src', 'lib'), { recursive: true })
  await writeFile(join(box.work, 'src', 'a.txt'), 'hello, volume\n', { mode: 0o644 })
  await writeFile(join(box.work, 'src', 'lib', 'b.js'), 'export {}\n')
  expect((await box.run(['create', 'v'])).status).toBe(0)
  expect((await box.run(['cp', '-q', '-r', 'src', 'v:/src'])).status).toBe(0)
})
afterEach(async () => {
  await box.dispose()
})

describe('ls', () => {
  it('lists names, directories with a slash', async () => {
    expect(await box.run(['ls', 'v:/src'])).toEqual({ status: 0, stdout: 'a.txt\nlib/\n', stderr: '' })
    expect((await box.run(['ls', 'v'])).stdout).toBe('src/\n')
    expect((await box.run(['ls', 'v:'])).stdout).toBe('src/\n')
  })

  it('-l shows mode, uid, gid, size, mtime and name', async () => {
    const result = await box.run(['ls', '-l', 'v:/src'])
    expect(result.status).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^-rw-r--r--  0  0  14  \d{4}-\d\d-\d\d \d\d:\d\d  a\.txt$/)
    expect(lines[1]).toMatch(/^drwxr-xr-x  0  0   0  \d{4}-\d\d-\d\d \d\d:\d\d  lib\/$/)
  })

  it('--depth descends and shows relative paths', async () => {
    expect((await box.run(['ls', '--depth', '3', 'v:/'])).stdout).toBe('src/\nsrc/a.txt\nsrc/lib/\nsrc/lib/b.js\n')
  })

  it('lists a file as itself, and emits JSON', async () => {
    expect((await box.run(['ls', 'v:/src/a.txt'])).stdout).toBe('a.txt\n')
    const json = JSON.parse((await box.run(['ls', '--json', 'v:/src'])).stdout) as { path: string; modeOctal: string }[]
    expect(json.map((entry) => [entry.path, entry.modeOctal])).toEqual([['/src/a.txt', '0644'], ['/src/lib', '0755']])
  })

  it('fails with ENOENT for a missing path and EINVAL for a path escaping the volume', async () => {
    expect(await box.run(['ls', 'v:/nope'])).toEqual({ status: 1, stdout: '', stderr: "volumes: ENOENT: no such file or directory, stat '/nope'\n" })
    expect(await box.run(['ls', 'v:/../x'])).toEqual({ status: 1, stdout: '', stderr: "volumes: EINVAL: path escapes the volume root, ls '/../x'\n" })
  })

  it('rejects a bad depth and a missing argument as usage errors', async () => {
    expect((await box.run(['ls', '--depth', '11', 'v:/'])).status).toBe(2)
    expect((await box.run(['ls'])).stderr).toBe("volumes: missing <volume>[:<path>] (to list volumes, run 'volumes list') (see 'volumes ls --help')\n")
  })

  it('fails with ENOENT for a missing volume', async () => {
    expect((await box.run(['ls', 'ghost:/'])).stderr).toBe(`volumes: ENOENT: Volume "ghost" not found, connect 'ghost'\n`)
  })
})

describe('stat', () => {
  it('prints every field', async () => {
    const result = await box.run(['stat', 'v:/src/a.txt'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^ {2}File: v:\/src\/a\.txt\n {2}Type: file\n {2}Size: 14\n {2}Mode: 0644 \(-rw-r--r--\)\n {3}Uid: 0\n {3}Gid: 0\nAccess: \S+Z\nModify: \S+Z\nChange: \S+Z\n$/)
  })

  it('--json gives the entry', async () => {
    const json = JSON.parse((await box.run(['stat', '--json', 'v:/src/lib'])).stdout) as Record<string, unknown>
    expect(json).toMatchObject({ name: 'lib', type: 'directory', path: '/src/lib', size: 0, mode: 0o755, modeOctal: '0755', uid: 0, gid: 0 })
    expect(typeof json.mtime).toBe('string')
  })

  it('fails with the ENOENT line for a missing path', async () => {
    expect(await box.run(['stat', 'v:/a/b'])).toEqual({ status: 1, stdout: '', stderr: "volumes: ENOENT: no such file or directory, stat '/a/b'\n" })
  })

  it('needs a volume path (usage error)', async () => {
    expect(await box.run(['stat', 'local.txt'])).toEqual({ status: 2, stdout: '', stderr: "volumes: expected <volume>:<path>, got 'local.txt' (see 'volumes stat --help')\n" })
  })
})

describe('cat', () => {
  it('streams files to stdout', async () => {
    expect(await box.run(['cat', 'v:/src/a.txt', 'v:src/lib/b.js'])).toEqual({ status: 0, stdout: 'hello, volume\nexport {}\n', stderr: '' })
  })

  it('fails with ENOENT for a missing file and EISDIR for a directory', async () => {
    expect(await box.run(['cat', 'v:/missing.txt'])).toEqual({ status: 1, stdout: '', stderr: "volumes: ENOENT: no such file or directory, open '/missing.txt'\n" })
    expect((await box.run(['cat', 'v:/src'])).stderr).toBe("volumes: EISDIR: illegal operation on a directory, open '/src'\n")
  })

  it('refuses a path escaping the volume with EINVAL', async () => {
    expect(await box.run(['cat', 'v:/../x'])).toEqual({ status: 1, stdout: '', stderr: "volumes: EINVAL: path escapes the volume root, cat '/../x'\n" })
  })
})

describe('mkdir', () => {
  it('creates a directory, with -p its parents, with -m its mode', async () => {
    expect(await box.run(['mkdir', 'v:/new'])).toEqual({ status: 0, stdout: '', stderr: '' })
    expect((await box.run(['mkdir', '-p', '-m', '700', 'v:/deep/er/still'])).status).toBe(0)
    expect((await box.run(['ls', '-l', 'v:/deep/er'])).stdout).toMatch(/^drwx------ .* still\/\n$/)
    expect((await box.run(['mkdir', '-p', 'v:/new'])).status).toBe(0)
  })

  it('fails with ENOENT without -p and EEXIST on an existing path', async () => {
    expect((await box.run(['mkdir', 'v:/x/y'])).stderr).toMatch(/^volumes: ENOENT: no such file or directory, mkdir '\/x\/?y?'\n$/)
    expect((await box.run(['mkdir', 'v:/src'])).stderr).toBe("volumes: EEXIST: file already exists, mkdir '/src'\n")
  })

  it('rejects a non-octal mode', async () => {
    expect((await box.run(['mkdir', '-m', 'rwx', 'v:/m'])).status).toBe(2)
  })
})

describe('rm', () => {
  it('removes files, and directories with -r', async () => {
    expect((await box.run(['rm', 'v:/src/a.txt'])).status).toBe(0)
    expect((await box.run(['rm', '-r', 'v:/src/lib'])).status).toBe(0)
    expect((await box.run(['ls', 'v:/src'])).stdout).toBe('')
  })

  it('fails with ENOTEMPTY without -r, ENOENT for a missing path unless -f, EINVAL on the root', async () => {
    expect((await box.run(['rm', 'v:/src'])).stderr).toBe("volumes: ENOTEMPTY: directory not empty, rm '/src'\n")
    expect((await box.run(['rm', 'v:/gone'])).stderr).toBe("volumes: ENOENT: no such file or directory, rm '/gone'\n")
    expect(await box.run(['rm', '-f', 'v:/gone'])).toEqual({ status: 0, stdout: '', stderr: '' })
    expect((await box.run(['rm', '-r', 'v:/'])).stderr).toBe("volumes: EINVAL: the volume root cannot be removed, rm '/'\n")
  })
})

describe('mv', () => {
  it('renames, and moves into an existing directory', async () => {
    expect((await box.run(['mv', 'v:/src/a.txt', 'v:/src/renamed.txt'])).status).toBe(0)
    expect((await box.run(['mv', 'v:/src/renamed.txt', 'v:/src/lib'])).status).toBe(0)
    expect((await box.run(['ls', '--depth', '2', 'v:/src'])).stdout).toBe('lib/\nlib/b.js\nlib/renamed.txt\n')
  })

  it('fails with ENOENT for a missing source and EINVAL for a move into itself', async () => {
    expect((await box.run(['mv', 'v:/nope', 'v:/x'])).stderr).toBe("volumes: ENOENT: no such file or directory, rename '/nope'\n")
    expect((await box.run(['mv', 'v:/src', 'v:/src/lib/inner'])).stderr).toBe("volumes: EINVAL: cannot move '/src' into itself, rename '/src/lib/inner'\n")
  })

  it('refuses to move between volumes (usage error)', async () => {
    await box.run(['create', 'w'])
    const result = await box.run(['mv', 'v:/src', 'w:/src'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('cannot move between volumes')
  })
})

describe('chmod and chown', () => {
  it('changes mode, owner and group', async () => {
    expect(await box.run(['chmod', '600', 'v:/src/a.txt'])).toEqual({ status: 0, stdout: '', stderr: '' })
    expect((await box.run(['chown', '1000:2000', 'v:/src/a.txt'])).status).toBe(0)
    expect((await box.run(['chown', ':3000', 'v:/src/lib'])).status).toBe(0)
    const lines = (await box.run(['ls', '-l', 'v:/src'])).stdout.split('\n')
    expect(lines[0]).toMatch(/^-rw-------  1000  2000  14  .*a\.txt$/)
    expect(lines[1]).toMatch(/^drwxr-xr-x     0  3000   0  .*lib\/$/)
    expect((await box.run(['cat', 'v:/src/a.txt'])).stdout).toBe('hello, volume\n')
  })

  it('reports ENOENT for a missing path and usage errors for bad modes and owners', async () => {
    expect((await box.run(['chmod', '644', 'v:/nope'])).stderr).toMatch(/^volumes: ENOENT: no such file or directory, \w+ '\/nope'\n$/)
    expect((await box.run(['chmod', '999', 'v:/src'])).stderr).toBe("volumes: mode must be octal digits like 644 or 0755 (got '999') (see 'volumes chmod --help')\n")
    expect((await box.run(['chown', 'root', 'v:/src'])).status).toBe(2)
    expect((await box.run(['chown', '1000'])).stderr).toBe("volumes: missing <volume>:<path> (see 'volumes chown --help')\n")
  })
})
