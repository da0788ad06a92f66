import type { BlobHead } from '../blob/blob-store.js'

/**
 * What fsck finds: `foreign-metadata` (a key or value form other than our codec's),
 * `missing-metadata` (no attributes stored: each tool shows its own defaults), `legacy-marker`
 * (`dir_$folder$`), `directory-object` (a zero-byte `dir` with directory mode bits),
 * `children-under-file` (keys under `a/` beside a file `a`), `missing-marker` (an implicit
 * directory), `usage-mismatch`, `orphan-registry-record`, `leftover-upload`, and what
 * interrupted operations leave: `orphaned-volume-data`, `unfinished-rename`,
 * `stale-removal-claim` (see `volume-leftovers.ts`).
 */
export type FsckFindingKind =
  | 'foreign-metadata'
  | 'missing-metadata'
  | 'legacy-marker'
  | 'directory-object'
  | 'children-under-file'
  | 'missing-marker'
  | 'usage-mismatch'
  | 'orphan-registry-record'
  | 'leftover-upload'
  | 'orphaned-volume-data'
  | 'unfinished-rename'
  | 'stale-removal-claim'

/** How `--repair` puts a finding into our form. Every repair writes the new form before it removes the old one. */
export type FsckRepair =
  | { readonly type: 'rewrite-metadata'; readonly head: BlobHead; readonly kind: 'file' | 'directory' }
  | { readonly type: 'write-symlink-body'; readonly head: BlobHead; readonly target: string }
  | { readonly type: 'move-to-marker'; readonly head: BlobHead; readonly markerKey: string }
  | { readonly type: 'create-marker'; readonly markerKey: string; readonly time: Date | undefined }
  | { readonly type: 'recount-usage'; readonly volumeId: string }
  | { readonly type: 'delete'; readonly key: string }

/** One finding. */
export interface FsckFinding {
  readonly kind: FsckFindingKind
  /** The store key concerned. */
  readonly key: string
  /** The volume path concerned (`''` for store-level findings). */
  readonly path: string
  /** Why it is foreign or inconsistent, e.g. `mode 100600 is rclone's octal st_mode`. */
  readonly detail: string
  /** Absent: fsck reports it but cannot repair it without a choice only a person can make. */
  readonly repair?: FsckRepair | undefined
}

/** A finding after `--repair` handled it (or tried to). */
export interface FsckOutcome extends FsckFinding {
  readonly repaired: boolean
  /** Why a repair failed or was not attempted. */
  readonly error?: string | undefined
}

/** Progress, reported after each page of objects. */
export interface FsckProgress {
  readonly objects: number
  readonly findings: number
  readonly repaired: number
}

/** The totals of a run. */
export interface FsckSummary extends FsckProgress {
  readonly byKind: Readonly<Partial<Record<FsckFindingKind, number>>>
  /** Findings not repaired (all of them without `repair`). */
  readonly unrepaired: number
}
