import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { findBinary, waitUntil } from '../services/test-service.js'

const run = promisify(execFile)

/** A FUSE file system mounted by a tool running in the foreground. */
export interface FuseMount {
  readonly mountpoint: string
  readonly child: ChildProcess
  /** Output the tool printed, for failure messages. */
  output(): string
  /** Unmounts (fusermount3 -u), then stops the tool by its PID if it is still running. */
  unmount(): Promise<void>
}

/** Whether FUSE mounts can work here: /dev/fuse and fusermount3. */
export function fuseAvailable(): boolean {
  return existsSync('/dev/fuse') && findBinary('fusermount3') !== undefined
}

async function mounted(mountpoint: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8')
  return table.split('\n').some((line) => line.split(' ')[4] === mountpoint)
}

/** Starts `binary args...` (a foreground FUSE client) and waits until `mountpoint` shows in the mount table. */
export async function mountFuse(binary: string, args: readonly string[], mountpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<FuseMount> {
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000)))
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000)))
  const unmount = async (): Promise<void> => {
    if (await mounted(mountpoint)) await run('fusermount3', ['-u', mountpoint]).catch(() => run('fusermount3', ['-uz', mountpoint]))
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
  try {
    await waitUntil(`${binary} mounted on ${mountpoint}`, () => mounted(mountpoint), 60_000, () =>
      child.exitCode === null ? undefined : `exited with ${child.exitCode}: ${log}`,
    )
  } catch (error) {
    await unmount()
    throw error
  }
  return { mountpoint, child, output: () => log, unmount }
}
