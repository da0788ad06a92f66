import type { BlobHead, BlobStore } from '../blob/blob-store.js'
import { utf8Length } from '../blob/keys.js'
import { isDirectoryModeObject, LEGACY_MARKER_SUFFIXES, legacyMarkerDirectory } from '../metadata/dialects.js'
import { metadataSymlinkTarget } from '../metadata/reader.js'
import { mapConcurrent } from '../util/map-concurrent.js'
import type { FsckFinding } from './findings.js'
import { hasSymlinkBits, metadataIssues, onlyMissing } from './inspect-metadata.js'

/** Options of {@link scanTree}. */
export interface ScanOptions {
  readonly signal?: AbortSignal | undefined
  /** Heads in flight for listings without metadata. */
  readonly concurrency?: number | undefined
  /** Keys under the prefix to leave out (a bucket's `.registry/`). */
  readonly exclude?: ((relativeKey: string) => boolean) | undefined
}

/** A directory whose subtree the scan is inside. */
interface OpenDirectory {
  readonly prefix: string
  readonly marked: boolean
  newest: Date | undefined
}

/** A file that may turn out to have keys under it. */
interface OpenFile {
  readonly key: string
  readonly directoryObject: boolean
  reported: boolean
}

/**
 * Walks every object under `prefix` page by page, in key order, and yields the findings of
 * each page with the number of objects it held. Memory is one page plus the chain of
 * directories (and files) that are prefixes of the current key: keys under `a/` come
 * together in key order, and `a/` itself first, so a directory whose first key is not its
 * marker has none.
 */
export async function* scanTree(blobs: BlobStore, prefix: string, options: ScanOptions = {}): AsyncGenerator<{ findings: FsckFinding[]; objects: number }> {
  const { signal } = options
  const directories: OpenDirectory[] = []
  const files: OpenFile[] = []
  const pathOf = (key: string): string => `/${key.slice(prefix.length).replace(/\/$/, '')}`
  let cursor: string | undefined
  do {
    const page = await blobs.list(prefix, { cursor, signal })
    const objects = page.objects.filter((object) => object.key !== prefix && !options.exclude?.(object.key.slice(prefix.length)))
    const heads = await mapConcurrent(objects, options.concurrency ?? 16, async (object) => (object.metadata ? object : ((await blobs.head(object.key, { signal })) ?? object)), signal)
    const findings: FsckFinding[] = []
    for (const head of heads) {
      findings.push(...(await closeDirectories(blobs, directories, files, head.key, pathOf, signal)))
      while (files.length > 0 && !head.key.startsWith(files[files.length - 1]!.key)) files.pop()
      openDirectories(directories, prefix, head)
      for (const file of files) {
        if (file.directoryObject || file.reported || !head.key.startsWith(`${file.key}/`)) continue
        file.reported = true
        findings.push({ kind: 'children-under-file', key: file.key, path: pathOf(file.key), detail: `keys under ${file.key}/ beside the file ${file.key}: the file hides them (rename one of the two)` })
      }
      findings.push(...inspectObject(head, pathOf(head.key)))
      if (!head.key.endsWith('/')) files.push({ key: head.key, directoryObject: isDirectoryModeObject(head.size, head.metadata), reported: false })
    }
    yield { findings, objects: objects.length }
    cursor = page.cursor
  } while (cursor)
  yield { findings: await closeDirectories(blobs, directories, files, undefined, pathOf, signal), objects: 0 }
}

/** Pushes the directories above `head` that are not open yet; the marker of one opens it as marked. */
function openDirectories(directories: OpenDirectory[], prefix: string, head: BlobHead): void {
  let start = prefix.length
  for (;;) {
    const slash = head.key.indexOf('/', start)
    if (slash < 0) break
    const directory = head.key.slice(0, slash + 1)
    start = slash + 1
    const open = directories.find((candidate) => candidate.prefix === directory)
    if (open) {
      if (!open.newest || head.lastModified > open.newest) open.newest = head.lastModified
      continue
    }
    directories.push({ prefix: directory, marked: head.key === directory, newest: head.lastModified })
  }
}

/** Closes the open directories that `key` is not under (all, when `undefined`), reporting those without a marker. */
async function closeDirectories(blobs: BlobStore, directories: OpenDirectory[], files: readonly OpenFile[], key: string | undefined, pathOf: (key: string) => string, signal: AbortSignal | undefined): Promise<FsckFinding[]> {
  const findings: FsckFinding[] = []
  while (directories.length > 0 && (key === undefined || !key.startsWith(directories[directories.length - 1]!.prefix))) {
    const directory = directories.pop()!
    if (directory.marked) continue
    const fileKey = directory.prefix.slice(0, -1)
    if (files.some((file) => file.key === fileKey)) continue // a directory object or a file: reported as that
    const legacy = LEGACY_MARKER_SUFFIXES.map((suffix) => fileKey + suffix).filter((candidate) => utf8Length(candidate) <= blobs.capabilities.maxKeyBytes)
    if ((await Promise.all(legacy.map((candidate) => blobs.head(candidate, { signal })))).some(Boolean)) continue // its legacy marker is reported when reached
    findings.push({
      kind: 'missing-marker', key: directory.prefix, path: pathOf(directory.prefix), detail: `implicit directory: keys under ${directory.prefix} and no marker`,
      repair: { type: 'create-marker', markerKey: directory.prefix, time: directory.newest },
    })
  }
  return findings
}

/** The findings of one object by its own key, size and metadata. */
function inspectObject(head: BlobHead, path: string): FsckFinding[] {
  const name = head.key.slice(head.key.lastIndexOf('/', head.key.length - 2) + 1)
  const legacyName = head.size === 0 && !head.key.endsWith('/') ? legacyMarkerDirectory(name) : undefined
  if (legacyName !== undefined) {
    const markerKey = `${head.key.slice(0, head.key.length - name.length)}${legacyName}/`
    return [{ kind: 'legacy-marker', key: head.key, path: `${path.slice(0, path.length - name.length)}${legacyName}`, detail: `legacy directory marker ${name}`, repair: { type: 'move-to-marker', head, markerKey } }]
  }
  if (!head.key.endsWith('/') && isDirectoryModeObject(head.size, head.metadata)) {
    return [{ kind: 'directory-object', key: head.key, path, detail: `zero-byte object with directory mode ${head.metadata?.['mode']}: s3fs's legacy directory`, repair: { type: 'move-to-marker', head, markerKey: `${head.key}/` } }]
  }
  const kind = head.key.endsWith('/') ? 'directory' : 'file'
  const issues = metadataIssues(head, kind)
  const target = metadataSymlinkTarget(head.metadata)
  if (kind === 'file' && target !== undefined && head.size === 0 && !hasSymlinkBits(head)) {
    return [{ kind: 'foreign-metadata', key: head.key, path, detail: ['gcsfuse symlink with its target only in metadata', ...issues].join('; '), repair: { type: 'write-symlink-body', head, target } }]
  }
  if (issues.length === 0) return []
  return [{ kind: onlyMissing(issues) ? 'missing-metadata' : 'foreign-metadata', key: head.key, path, detail: issues.join('; '), repair: { type: 'rewrite-metadata', head, kind } }]
}
