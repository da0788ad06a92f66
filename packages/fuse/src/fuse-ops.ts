import { isVolumeError } from '@volumes/core'
import { errnoOf, errnoOfError } from './errno.js'
import type { FileOps } from './file-ops.js'
import type { FuseOps } from './fuse-binding.js'
import type { NamespaceOps } from './namespace-ops.js'

type Callback = (code: number, ...values: unknown[]) => void

/**
 * The callback table fuse-native calls, over the promise-based operations: every
 * result or error reaches the kernel exactly once, errors as negative errnos
 * (see `errnoOfError`); backend failures are logged, POSIX outcomes are not.
 */
export function fuseOps(names: NamespaceOps, files: FileOps, log: (line: string) => void): FuseOps {
  const fail = (op: string, path: string, error: unknown, cb: Callback): void => {
    const code = errnoOfError(error)
    if (code === errnoOf('EIO') || !(isVolumeError(error) || typeof (error as { code?: unknown })?.code === 'string')) {
      log(`${op} ${path}: ${(error as Error)?.stack ?? String(error)}`)
    }
    cb(code)
  }
  /** An operation whose callback takes `(0, value)` on success. */
  const valued = <A extends unknown[]>(op: string, work: (...args: A) => Promise<unknown>) =>
    (...args: [...A, Callback]): void => {
      const cb = args.pop() as Callback
      work(...(args as unknown as A)).then((value) => (value === undefined ? cb(0) : cb(0, value)), (error) => fail(op, String(args[0]), error, cb))
    }
  /** read and write: the callback takes the byte count, or a negative errno. */
  const counted = <A extends unknown[]>(op: string, work: (...args: A) => Promise<number>) =>
    (...args: [...A, Callback]): void => {
      const cb = args.pop() as Callback
      work(...(args as unknown as A)).then((count) => cb(count), (error) => fail(op, String(args[0]), error, cb))
    }
  return {
    getattr: valued('getattr', (path: string) => names.getattr(path)),
    fgetattr: valued('fgetattr', (path: string) => names.getattr(path)),
    readdir: (path: string, cb: Callback): void => {
      names.readdir(path).then(({ names: list, stats }) => cb(0, list, stats), (error) => fail('readdir', path, error, cb))
    },
    statfs: valued('statfs', () => names.statfs()),
    mkdir: valued('mkdir', (path: string, mode: number) => names.mkdir(path, mode)),
    rmdir: valued('rmdir', (path: string) => names.rmdir(path)),
    unlink: valued('unlink', (path: string) => names.unlink(path)),
    rename: valued('rename', (from: string, to: string) => names.rename(from, to)),
    symlink: valued('symlink', (target: string, path: string) => names.symlink(target, path)),
    readlink: valued('readlink', (path: string) => names.readlink(path)),
    link: valued('link', (from: string) => names.link(from)),
    mknod: valued('mknod', (path: string) => names.mknod(path)),
    chmod: valued('chmod', (path: string, mode: number) => names.chmod(path, mode)),
    chown: valued('chown', (path: string, uid: number, gid: number) => names.chown(path, uid, gid)),
    utimens: valued('utimens', (path: string, atime: number, mtime: number) => names.utimens(path, atime, mtime)),
    open: valued('open', (path: string, flags: number) => files.open(path, flags)),
    create: valued('create', (path: string, mode: number) => files.create(path, mode)),
    read: counted('read', (path: string, fd: number, buffer: Uint8Array, length: number, position: number) => files.read(path, fd, buffer, length, position)),
    write: counted('write', (path: string, fd: number, buffer: Uint8Array, length: number, position: number) => files.write(path, fd, buffer, length, position)),
    truncate: valued('truncate', (path: string, size: number) => files.truncate(path, size)),
    ftruncate: valued('ftruncate', (path: string, fd: number, size: number) => files.ftruncate(path, fd, size)),
    flush: valued('flush', (path: string, fd: number) => files.flush(path, fd)),
    fsync: valued('fsync', (path: string, _datasync: unknown, fd: number) => files.fsync(path, fd)),
    release: valued('release', (path: string, fd: number) => files.release(path, fd)),
  } as unknown as FuseOps
}
