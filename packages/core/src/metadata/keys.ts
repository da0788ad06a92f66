/** The metadata keys of the codec, as s3fs and rclone name them. */
export const metadataKeys = { mode: 'mode', uid: 'uid', gid: 'gid', atime: 'atime', mtime: 'mtime', ctime: 'ctime' } as const

/**
 * Keys other tools write that the reader understands (see docs/interop.md): rclone's
 * `btime`, gcsfuse's `gcsfuse_*` keys and the `goog-reserved-*` keys of gsutil, gcloud and gcsfuse.
 */
export const foreignKeys = {
  btime: 'btime',
  gcsfuseMtime: 'gcsfuse_mtime',
  gcsfuseSymlinkTarget: 'gcsfuse_symlink_target',
  googMode: 'goog-reserved-posix-mode',
  googUid: 'goog-reserved-posix-uid',
  googGid: 'goog-reserved-posix-gid',
  googFileMtime: 'goog-reserved-file-mtime',
  googFileAtime: 'goog-reserved-file-atime',
  googIsSymlink: 'goog-reserved-file-is-symlink',
} as const
