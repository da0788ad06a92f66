import type { BlobStore } from '../blob/blob-store.js'
import { defaultAttributes, type AttributeDefaults } from '../metadata/codec.js'
import { recountUsage } from '../quota/recount-usage.js'
import { readUsageObject } from '../quota/usage-object.js'
import type { VolumeStore } from '../volume-store.js'
import type { FsckFinding, FsckFindingKind, FsckOutcome, FsckProgress, FsckSummary } from './findings.js'
import { orphanedRegistryRecords } from './registry-check.js'
import { staleRemovalClaims, storeLeftovers, unfinishedRenames } from './volume-leftovers.js'
import { renameIntentPrefix } from '../volume/rename-intent.js'
import { runRepair, type RepairContext } from './repair.js'
import { scanTree } from './tree-scan.js'

/** Options of {@link fsckBucket} and {@link fsckVolume}. */
export interface FsckOptions {
  /** Rewrite what is found into our form (default: report only). */
  readonly repair?: boolean | undefined
  readonly signal?: AbortSignal | undefined
  /** Requests in flight (heads of a page, repairs). Default 16. */
  readonly concurrency?: number | undefined
  /** Attributes for objects that carry none (default: files 0644, directories 0755, root). */
  readonly defaults?: AttributeDefaults | undefined
  /** Each finding as it is found (and, with `repair`, handled). */
  readonly onFinding?: ((outcome: FsckOutcome) => void) | undefined
  /** After each page of objects. */
  readonly onProgress?: ((progress: FsckProgress) => void) | undefined
  /**
   * Aborts leftover multipart uploads and says which (e.g. `() => s3.abortStaleUploads(3_600_000)`).
   * The BlobStore contract cannot list uploads, so they are found only with `repair`.
   */
  /** Registry records younger than this are not called orphans (a `create` may be in flight). Default 10 minutes. */
  readonly registryGraceMs?: number | undefined
  readonly abortStaleUploads?: (() => Promise<{ readonly aborted: readonly { readonly key: string }[] }>) | undefined
}

type Batches = AsyncIterable<{ findings: FsckFinding[]; objects: number }>

/**
 * Checks a bucket (or the prefix a store was opened on) as the bucket-mount case sees it:
 * every key under `prefix` but the registry's. Streams page by page; safe to interrupt and run again.
 */
export async function fsckBucket(blobs: BlobStore, prefix = '', options: FsckOptions = {}): Promise<FsckSummary> {
  const runner = new FsckRun(blobs, options, {})
  await runner.passes(() => scanTree(blobs, prefix, { signal: options.signal, concurrency: options.concurrency, exclude: (key) => prefix === '' && key.startsWith('.registry/') }))
  // A whole store: data of volumes the registry does not know, and renames left unfinished.
  if (prefix === '') await runner.consume(storeLeftovers(blobs, options.signal))
  await runner.uploads()
  return runner.summary()
}

/**
 * Checks one volume of a store: its tree, its usage object against a recount (after any
 * repairs), and the registry for orphaned records.
 */
export async function fsckVolume(store: VolumeStore, idOrName: string, options: FsckOptions = {}): Promise<FsckSummary> {
  const { volumeId } = await store.getInfo(idOrName)
  const runner = new FsckRun(store.blobs, options, { recountUsage: (id) => store.recomputeUsage(id) })
  await runner.passes(() => scanTree(store.blobs, `${volumeId}/`, { signal: options.signal, concurrency: options.concurrency }))
  const stored = await readUsageObject(store.blobs, volumeId)
  if (stored) {
    const counted = await recountUsage(store.blobs, `${volumeId}/`, options.signal)
    if (counted.bytes !== stored.usage.bytes || counted.inodes !== stored.usage.inodes) {
      await runner.handle([{
        kind: 'usage-mismatch', key: `.registry/usage/${volumeId}`, path: '',
        detail: `usage says ${stored.usage.bytes} bytes, ${stored.usage.inodes} inodes; a recount finds ${counted.bytes} bytes, ${counted.inodes} inodes`,
        repair: { type: 'recount-usage', volumeId },
      }])
    }
  }
  await runner.consume(orphanedRegistryRecords(store.blobs, options.signal, options.registryGraceMs))
  await runner.consume(staleRemovalClaims(store.blobs, `${volumeId}/`, options.signal))
  await runner.consume(unfinishedRenames(store.blobs, renameIntentPrefix(volumeId), options.signal))
  await runner.uploads()
  return runner.summary()
}

/** One run's counters and repair loop. */
class FsckRun {
  #objects = 0
  #findings = 0
  #repaired = 0
  #movedObjects = 0
  /** Findings left unrepaired, so that a later pass does not count them again. */
  readonly #left = new Set<string>()
  readonly #byKind: Partial<Record<FsckFindingKind, number>> = {}
  readonly #context: RepairContext

  constructor(blobs: BlobStore, private readonly options: FsckOptions, extra: Pick<RepairContext, 'recountUsage'>) {
    this.#context = { blobs, defaults: options.defaults ?? defaultAttributes, signal: options.signal, ...extra }
  }

  /**
   * Scans, and with `repair` scans again after a pass that replaced directory objects: some
   * stores (MinIO) do not list the keys under `a/` while an object `a` exists.
   */
  async passes(scan: () => Batches): Promise<void> {
    for (let pass = 1; pass <= 3; pass++) {
      const before = this.#movedObjects
      await this.consume(scan())
      if (!this.options.repair || this.#movedObjects === before) return
    }
  }

  async consume(batches: Batches): Promise<void> {
    for await (const batch of batches) {
      this.#objects += batch.objects
      await this.handle(batch.findings)
      this.options.onProgress?.({ objects: this.#objects, findings: this.#findings, repaired: this.#repaired })
    }
  }

  /** Reports (and, with `repair`, repairs) findings in order: a page's repairs one after another, so a crash stops at one. */
  async handle(findings: readonly FsckFinding[]): Promise<void> {
    for (const finding of findings) {
      const id = `${finding.kind}:${finding.key}`
      if (this.#left.has(id)) continue // reported by an earlier pass
      this.#findings++
      this.#byKind[finding.kind] = (this.#byKind[finding.kind] ?? 0) + 1
      let outcome: FsckOutcome = { ...finding, repaired: false }
      if (this.options.repair && finding.repair) {
        try {
          await runRepair(this.#context, finding.repair)
          this.#repaired++
          if (finding.kind === 'directory-object') this.#movedObjects++
          outcome = { ...finding, repaired: true }
        } catch (error) {
          if (this.options.signal?.aborted) throw error
          outcome = { ...finding, repaired: false, error: error instanceof Error ? error.message : String(error) }
        }
      } else if (this.options.repair) outcome = { ...finding, repaired: false, error: 'needs a decision: not repaired' }
      if (!outcome.repaired) this.#left.add(id)
      this.options.onFinding?.(outcome)
    }
  }

  async uploads(): Promise<void> {
    if (!this.options.repair || !this.options.abortStaleUploads) return
    const { aborted } = await this.options.abortStaleUploads()
    for (const upload of aborted) {
      this.#findings++
      this.#repaired++
      this.#byKind['leftover-upload'] = (this.#byKind['leftover-upload'] ?? 0) + 1
      this.options.onFinding?.({ kind: 'leftover-upload', key: upload.key, path: '', detail: 'multipart upload left by a writer that stopped', repaired: true })
    }
  }

  summary(): FsckSummary {
    return { objects: this.#objects, findings: this.#findings, repaired: this.#repaired, byKind: { ...this.#byKind }, unrepaired: this.#findings - this.#repaired }
  }
}
