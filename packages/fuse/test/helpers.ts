import { exec } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { VolumeStore } from '@volumes/core'
import { mountVolume, type MountOptions, type VolumeMount } from '@volumes/fuse'

const execAsync = promisify(exec)

/**
 * Whether this machine can mount FUSE: /dev/fuse, root, and fuse-native's binary.
 * Tests touch a mount only from child processes (a shell): the FUSE server runs on
 * this process's event loop, which a synchronous call into the mount would block.
 */
export const fuseReason: string | undefined = !existsSync('/dev/fuse')
  ? 'no /dev/fuse'
  : process.getuid?.() !== 0
    ? 'not root (FUSE mounts with allow_other need root here)'
    : await import('fuse-native').then(() => undefined, (error: Error) => `fuse-native does not load: ${error.message}`)

/** Runs a bash script; resolves with stdout, rejects with stderr in the message. */
export async function sh(script: string, cwd?: string): Promise<string> {
  try {
    const { stdout } = await execAsync(script, { cwd, shell: '/bin/bash', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 })
    return stdout
  } catch (error) {
    const failed = error as Error & { stderr?: string; stdout?: string }
    throw new Error(`${script}\n${failed.stderr ?? ''}${failed.stdout ?? ''}${failed.message}`)
  }
}

/** Runs a bash script that must fail; resolves with its stderr. */
export async function shFails(script: string, cwd?: string): Promise<string> {
  try {
    await execAsync(script, { cwd, shell: '/bin/bash', timeout: 120_000 })
  } catch (error) {
    return (error as { stderr?: string }).stderr ?? ''
  }
  throw new Error(`expected to fail: ${script}`)
}

/** A fresh mountpoint and cache directory, removed by `cleanup`. */
export async function scratch(): Promise<{ dir: string; mountpoint: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'volumes-fuse-test-'))
  const mountpoint = join(dir, 'mnt')
  await sh(`mkdir -p '${mountpoint}'`)
  return { dir, mountpoint, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Mounts `name` from `store` at a fresh mountpoint; `unmount` also removes the scratch dirs. */
export async function mountFresh(store: VolumeStore, name: string, options: MountOptions = {}): Promise<VolumeMount & { dir: string }> {
  const place = await scratch()
  const mount = await mountVolume(name, place.mountpoint, { store, cacheDir: place.dir, log: () => undefined, ...options })
  return {
    ...mount,
    dir: place.dir,
    unmount: async () => {
      await mount.unmount()
      await place.cleanup()
    },
  }
}
