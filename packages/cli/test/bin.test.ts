import { execFile, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(repo, 'packages/cli/dist/bin.js')

let box: Sandbox
beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], { cwd: repo })
  box = await sandbox()
}, 180_000)
afterAll(async () => {
  await box?.dispose()
})

/** Runs the built binary as a child process with the sandbox's VOLUMES_HOME. */
function volumes(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: box.work, env: { PATH: process.env.PATH, VOLUMES_HOME: box.home }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

describe('the built volumes binary', () => {
  it('runs commands end to end with exit statuses 0, 1 and 2', async () => {
    await writeFile(join(box.work, 'hello.txt'), 'hello from the binary\n')
    expect(await volumes(['create', 'bin-vol'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^created volume bin-vol /) })
    expect(await volumes(['cp', 'hello.txt', 'bin-vol:/hello.txt'])).toMatchObject({ status: 0, stderr: expect.stringMatching(/^copied hello\.txt to bin-vol:\/hello\.txt/) })
    expect(await volumes(['cat', 'bin-vol:/hello.txt'])).toEqual({ status: 0, stdout: 'hello from the binary\n', stderr: '' })
    expect(await volumes(['cat', 'bin-vol:/missing.txt'])).toEqual({ status: 1, stdout: '', stderr: "volumes: ENOENT: no such file or directory, open '/missing.txt'\n" })
    expect(await volumes(['ls', '--nope'])).toEqual({ status: 2, stdout: '', stderr: "volumes: unknown option '--nope' (see 'volumes ls --help')\n" })
    expect(await volumes(['destroy', 'bin-vol'])).toEqual({ status: 0, stdout: 'destroyed volume bin-vol\n', stderr: '' })
  })

  it('stops quietly when the reader of stdout goes away', async () => {
    await writeFile(join(box.work, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 97))
    expect((await volumes(['create', 'pipe-vol'])).status).toBe(0)
    expect((await volumes(['cp', '-q', 'big.bin', 'pipe-vol:/big.bin'])).status).toBe(0)
    const { stdout, stderr } = await promisify(execFile)('sh', ['-c', `"${process.execPath}" "${bin}" cat pipe-vol:/big.bin | head -c 5`], { cwd: box.work, env: { PATH: process.env.PATH, VOLUMES_HOME: box.home } })
    expect(stdout).toBe('aaaaa')
    expect(stderr).toBe('')
  })
})
