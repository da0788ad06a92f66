import { mkdtemp, rm, stat } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { LeaseGuard, VolumeError, type Attachment, type LeaseMode, type Volume, type VolumeStore } from '@volumes/core'
import { FileOps } from './file-ops.js'
import { loadFuse, type FuseInstance } from './fuse-binding.js'
import { fuseOps } from './fuse-ops.js'
import { FsState } from './fs-state.js'
import { NamespaceOps } from './namespace-ops.js'
import type { ReadAheadOptions } from './range-reader.js'
import { clearStaleMount } from './stale-mount.js'

/** Options of {@link mountVolume}. */
export interface MountOptions {
  /** The store to attach the volume from, when `volume` is a name or id. */
  readonly store?: VolumeStore | undefined
  /** Lease mode (default `exclusive`); `readonly` refuses every change with EROFS. */
  readonly mode?: LeaseMode | undefined
  /** Lease holder (default `mount:<host>:<pid>`). */
  readonly holderId?: string | undefined
  /** Lease TTL, renewed at a third of it. Default 30 s (core's default). */
  readonly ttlMs?: number | undefined
  /** Show every entry as owned by this uid (and give new entries this owner). */
  readonly uid?: number | undefined
  /** Show every entry as owned by this gid (and give new entries this group). */
  readonly gid?: number | undefined
  /** Where staged copies of files being written live (a fresh directory is made inside). Default the OS temp dir. */
  readonly cacheDir?: string | undefined
  /** Attribute, entry and directory cache TTL in seconds, in the kernel and here. Default 1. */
  readonly attrTimeout?: number | undefined
  /** `allow_other`: users other than the mounting one may use the mount. Default true. */
  readonly allowOther?: boolean | undefined
  /** For a `Volume` handle given directly: refuse changes with EROFS. */
  readonly readonly?: boolean | undefined
  /** For a `Volume` handle given directly: fires when its lease is lost. */
  readonly leaseSignal?: AbortSignal | undefined
  /** Longest wait for one metadata or read operation before the kernel gets ETIMEDOUT. Default 30 s. */
  readonly operationTimeoutMs?: number | undefined
  /** Longest wait for an upload (flush, fsync, release). Default 10 min. */
  readonly uploadTimeoutMs?: number | undefined
  readonly readAhead?: ReadAheadOptions | undefined
  /** Backend errors and lease events (default: stderr). */
  readonly log?: ((line: string) => void) | undefined
}

/** A mounted volume. */
export interface VolumeMount {
  readonly mountpoint: string
  readonly volume: Volume
  /** The attachment holding the lease, when `mountVolume` attached the volume itself. */
  readonly attachment: Attachment | undefined
  /** Fires when the lease is lost: from then on every change fails with EIO. */
  readonly leaseLost: AbortSignal
  /** Uploads changed open files, unmounts, releases the lease, removes the cache. Idempotent. */
  unmount(): Promise<void>
}

/**
 * Mounts a volume with FUSE at `mountpoint` (an existing empty directory). Given a name
 * or id, attaches it from `options.store` for the mount's whole life (EBUSY `Volume "x"
 * is already attached` when an exclusive lease is held elsewhere); given a `Volume`,
 * mounts that handle as is. See docs/mount.md for the semantics.
 */
export async function mountVolume(volume: string | Volume, mountpoint: string, options: MountOptions = {}): Promise<VolumeMount> {
  const Fuse = loadFuse()
  const where = resolve(mountpoint)
  const log = options.log ?? ((line: string) => process.stderr.write(`volumes mount: ${line}\n`))
  if (await clearStaleMount(where)) log(`cleared a stale mount at ${where}`)
  const info = await stat(where).catch(() => undefined)
  if (!info?.isDirectory()) throw new VolumeError('ENOTDIR', { op: 'mount', path: where, detail: 'the mountpoint must be an existing directory' })

  let attachment: Attachment | undefined
  let handle: Volume
  if (typeof volume === 'string') {
    if (!options.store) throw new VolumeError('EINVAL', { op: 'mount', path: volume, detail: 'mounting a volume by name needs options.store' })
    attachment = await options.store.attach(options.holderId ?? `mount:${hostname()}:${process.pid}`, { [where]: volume }, { mode: options.mode, ttlMs: options.ttlMs })
    handle = attachment.volume(where)
  } else {
    handle = volume
  }
  const lease = attachment?.mounts[0]?.lease
  const leaseGuard = lease && options.store ? new LeaseGuard(options.store.leases, lease, handle.name) : undefined
  const leaseLost = attachment?.mounts[0]?.lease.signal ?? options.leaseSignal ?? new AbortController().signal
  let closing = false
  leaseLost.addEventListener('abort', () => closing || log(`lease on "${handle.name}" lost: every change now fails with EIO`), { once: true })
  const readonly = (attachment?.mode ?? (options.readonly ? 'readonly' : options.mode)) === 'readonly'
  const cacheDir = await mkdtemp(join(options.cacheDir ?? tmpdir(), 'volumes-mount-'))
  const attrTimeout = options.attrTimeout ?? 1
  const state = new FsState({
    volume: handle,
    cacheDir,
    attrTimeoutMs: attrTimeout * 1000,
    readonly,
    fenced: () => leaseLost.aborted,
    verifyLease: leaseGuard ? (op, path) => leaseGuard.beforeMutation(op, path) : async () => undefined,
    mapping: { uid: options.uid, gid: options.gid },
    newOwner: { uid: options.uid ?? process.getuid?.() ?? 0, gid: options.gid ?? process.getgid?.() ?? 0 },
    readAhead: options.readAhead,
    log,
  })
  const files = new FileOps(state)
  const fuse = new Fuse(where, fuseOps(new NamespaceOps(state), files, log), fuseOptions(handle.name, attrTimeout, options))
  try {
    await new Promise<void>((done, fail) => fuse.mount((error) => (error ? fail(error) : done())))
  } catch (error) {
    closing = true
    await attachment?.release().catch(() => undefined)
    await rm(cacheDir, { recursive: true, force: true })
    throw new VolumeError('EIO', { op: 'mount', path: where, detail: `FUSE mount failed: ${(error as Error).message}`, cause: error })
  }
  let unmounting: Promise<void> | undefined
  return {
    mountpoint: where,
    volume: handle,
    attachment,
    leaseLost,
    unmount: () => (unmounting ??= closeMount(fuse, files, attachment, cacheDir, log, () => (closing = true))),
  }
}

async function closeMount(fuse: FuseInstance, files: FileOps, attachment: Attachment | undefined, cacheDir: string, log: (line: string) => void, releasing: () => void): Promise<void> {
  const failed = await files.flushAll()
  if (failed.length > 0) log(`unmounting with ${failed.length} file(s) not written: ${failed.join(', ')}`)
  try {
    await new Promise<void>((done, fail) => fuse.unmount((error) => (error ? fail(error) : done())))
  } finally {
    releasing()
    await attachment?.release().catch((error: unknown) => log(`releasing the lease: ${(error as Error).message}`))
    await rm(cacheDir, { recursive: true, force: true })
  }
}

/**
 * fuse-native's options. It has no field for `big_writes` or `negative_timeout`; they ride
 * in `fsname`, since it joins all options with commas. No `hard_remove`: with it libfuse
 * passes a NULL path for operations on an unlinked open file, which crashes fuse-native
 * 2.2.6 (SIGSEGV, found by pjdfstest unlink/14); the `.fuse_hidden` rename it does instead
 * is handled in `NamespaceOps.rename`.
 */
function fuseOptions(name: string, attrTimeout: number, options: MountOptions): Record<string, unknown> {
  const operation = options.operationTimeoutMs ?? 30_000
  const upload = options.uploadTimeoutMs ?? 600_000
  return {
    fsname: `volumes:${name.replace(/[^A-Za-z0-9._-]/g, '_')},subtype=volumes,big_writes,negative_timeout=0`,
    allowOther: options.allowOther ?? true,
    defaultPermissions: true,
    attrTimeout: String(attrTimeout),
    entryTimeout: String(attrTimeout),
    timeout: { default: operation, flush: upload, fsync: upload, release: upload, truncate: upload, ftruncate: upload, rename: upload, rmdir: upload },
  }
}
