import { exec, execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from './helpers.js'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(repo, 'packages/cli/dist/bin.js')
const sh = async (script: string): Promise<string> => (await promisify(exec)(script, { shell: '/bin/bash' })).stdout
const fuseReason = !existsSync('/dev/fuse') ? 'no /dev/fuse' : process.getuid?.() !== 0 ? 'not root' : undefined

let box: Sandbox
beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], { cwd: repo })
  box = await sandbox()
}, 180_000)
afterAll(async () => {
  await box?.dispose()
})

/** Starts `volumes mount` as a child process and resolves once it printed that it is mounted. */
async function startMount(volume: string, mountpoint: string, ...flags: string[]): Promise<{ child: ChildProcess; exited: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'mount', volume, mountpoint, ...flags], { cwd: box.work, env: { PATH: process.env.PATH, VOLUMES_HOME: box.home }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const lines = createInterface({ input: child.stdout! })
  const mounted = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('mounted ') && resolve())
    void exited.then((code) => reject(new Error(`volumes mount exited with ${code}: ${stderr}`)))
  })
  await mounted
  return { child, exited, stderr: () => stderr }
}

async function volumes(...args: string[]): Promise<string> {
  return (await promisify(execFile)(process.execPath, [bin, ...args], { cwd: box.work, env: { PATH: process.env.PATH, VOLUMES_HOME: box.home }, maxBuffer: 16 * 1024 * 1024 })).stdout
}

describe.skipIf(fuseReason !== undefined)(`volumes mount / unmount (the built binary)${fuseReason ? ` (skipped: ${fuseReason})` : ''}`, () => {
  it('mounts in the foreground, `volumes unmount` flushes a file still open and exits 0', async () => {
    await volumes('create', 'cli-mount')
    const mountpoint = join(box.work, 'mnt1')
    await mkdir(mountpoint)
    const mount = await startMount('cli-mount', mountpoint)
    await sh(`mkdir -p ${mountpoint}/d && echo hello > ${mountpoint}/d/hello.txt`)
    // A writer that keeps its descriptor open: its data is only staged until the unmount flushes it.
    const writer = spawn('bash', ['-c', `exec 3>${mountpoint}/open.txt; echo staged >&3; echo ready; exec sleep 600`], { stdio: ['ignore', 'pipe', 'ignore'] })
    await once(createInterface({ input: writer.stdout! }), 'line')
    expect(await volumes('unmount', mountpoint)).toBe(`unmounted ${mountpoint}\n`)
    expect(await mount.exited).toBe(0)
    writer.kill('SIGKILL')
    expect(await volumes('cat', 'cli-mount:/d/hello.txt', 'cli-mount:/open.txt')).toBe('hello\nstaged\n')
    expect(await sh(`grep -c ' ${mountpoint} ' /proc/mounts || true`)).toBe('0\n')
  })

  it('kill -9 mid-write leaves the old content, never a part; a later mount clears the stale mountpoint', async () => {
    await volumes('create', 'cli-crash')
    const mountpoint = join(box.work, 'mnt2')
    await mkdir(mountpoint)
    let mount = await startMount('cli-crash', mountpoint)
    await sh(`printf old > ${mountpoint}/f`)
    // One descriptor, never closed (a shell redirection would dup and close, and a close uploads).
    const script = `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(`${mountpoint}/f`)}, 'w'); fs.writeSync(fd, Buffer.alloc(3e6, 120)); console.log('ready'); setInterval(() => {}, 1e6)`
    const writer = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      await once(createInterface({ input: writer.stdout! }), 'line')
      mount.child.kill('SIGKILL')
      expect(await mount.exited).toBe(null)
      writer.kill('SIGKILL')
      expect(await volumes('cat', 'cli-crash:/f')).toBe('old')
      expect(await sh(`stat ${mountpoint} 2>&1 || true`)).toMatch(/Transport endpoint is not connected/)

      mount = await startMount('cli-crash', mountpoint)
      expect(mount.stderr()).toContain('cleared a stale mount')
      expect(await sh(`cat ${mountpoint}/f`)).toBe('old')
      mount.child.kill('SIGINT')
      expect(await mount.exited).toBe(0)
    } finally {
      writer.kill('SIGKILL')
      mount.child.kill('SIGKILL')
      await sh(`fusermount -uz ${mountpoint} 2>/dev/null || true`)
    }
  })

  it('refuses a bad mode and a missing mountpoint with clear messages', async () => {
    await volumes('create', 'cli-bad')
    await expect(volumes('mount', 'cli-bad', join(box.work, 'nope'))).rejects.toMatchObject({ stderr: expect.stringContaining('the mountpoint must be an existing directory') })
    await expect(volumes('mount', 'cli-bad', box.work, '--mode', 'sometimes')).rejects.toMatchObject({ stderr: expect.stringContaining('--mode is exclusive, shared or readonly') })
    await expect(volumes('unmount', join(box.work, 'never'))).rejects.toMatchObject({ stderr: expect.stringContaining('nothing is mounted there') })
  })
})
