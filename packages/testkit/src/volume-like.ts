import type {
  CopyOptions,
  EntryInfo,
  ListOptions,
  MakeDirOptions,
  OwnershipOptions,
  ReadFileOptions,
  ReadFormat,
  ReadResultByFormat,
  RemoveOptions,
  TransferOptions,
  TransferSummary,
  VolumeInfo,
  WriteData,
  WriteFileOptions,
} from '@volumes/core'

/**
 * The methods of a volume handle that the file-level conformance tests call, with the
 * library's signatures. The library's `Volume` and `@volumes/client`'s `Volume` both
 * satisfy it, so one suite checks both.
 */
export interface VolumeLike {
  readonly volumeId: string
  readonly name: string
  readFile(path: string, options?: ReadFileOptions<'text'>): Promise<string>
  readFile<F extends ReadFormat>(path: string, options: ReadFileOptions<F> & { format: F }): Promise<ReadResultByFormat[F]>
  writeFile(path: string, data: WriteData, options?: WriteFileOptions): Promise<EntryInfo>
  makeDir(path: string, options?: MakeDirOptions): Promise<EntryInfo>
  list(path: string, options?: ListOptions): Promise<EntryInfo[]>
  remove(path: string, options?: RemoveOptions): Promise<void>
  getInfo(path: string): Promise<EntryInfo>
  exists(path: string): Promise<boolean>
  updateMetadata(path: string, changes: OwnershipOptions): Promise<EntryInfo>
  rename(from: string, to: string, options?: { signal?: AbortSignal }): Promise<EntryInfo>
  copy(from: string, to: string, options?: CopyOptions): Promise<EntryInfo>
  uploadDirectory(localDir: string, remoteDir: string, options?: TransferOptions): Promise<TransferSummary>
  downloadDirectory(remoteDir: string, localDir: string, options?: TransferOptions): Promise<TransferSummary>
}

/**
 * Parts of the volume API that a client may have no way to express (the official E2B SDK
 * has no size or labels, byte ranges, rename...). The tests that need one show as skipped.
 * - `volumeOptions`: `sizeGb`, `region`, `labels` on create and `sizeGb`, `labels`, `createdAt` in getInfo;
 * - `ranges`: `readFile(path, { range })`;
 * - `nonRecursiveRemove`: `remove(dir)` refusing a non-empty directory; `forceRemove`: `remove(path, { force })`;
 * - `rename`, `copy`, `transfers` (`uploadDirectory`, `downloadDirectory`);
 * - `errorMessages`: the server's message on a missing path (not only the code).
 */
export type VolumeApiFeature = 'volumeOptions' | 'ranges' | 'nonRecursiveRemove' | 'forceRemove' | 'rename' | 'copy' | 'transfers' | 'errorMessages'

/** Options of {@link VolumeApi.create}. */
export interface VolumeApiCreateOptions {
  readonly sizeGb?: number
  readonly region?: string
  readonly labels?: Record<string, string>
}

/**
 * The registry operations of a volume API: the library's `VolumeStore` satisfies it,
 * and so does a thin adapter over `@volumes/client`'s static `Volume` methods.
 * `attach` is optional: where present, the attached-destroy rules are checked too.
 */
export interface VolumeApi<V extends VolumeLike = VolumeLike> {
  create(name: string, options?: VolumeApiCreateOptions): Promise<V>
  connect(idOrName: string): Promise<V>
  list(): Promise<VolumeInfo[]>
  getInfo(idOrName: string): Promise<VolumeInfo>
  destroy(idOrName: string, options?: { force?: boolean }): Promise<boolean>
  attach?(holderId: string, mounts: Record<string, string>): Promise<{ release(): Promise<void> }>
}
