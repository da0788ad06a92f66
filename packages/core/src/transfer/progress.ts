/** Progress of a directory transfer, reported after each file. */
export interface TransferProgress {
  readonly filesDone: number
  readonly filesTotal: number
  readonly bytesDone: number
  readonly bytesTotal: number
  /** Volume path of the file just finished. */
  readonly path: string
}

/** Options of `uploadDirectory` and `downloadDirectory`. */
export interface TransferOptions {
  /** Files in flight at once. Default 16. */
  readonly concurrency?: number | undefined
  readonly onProgress?: ((progress: TransferProgress) => void) | undefined
  readonly signal?: AbortSignal | undefined
}

/** What a directory transfer did. */
export interface TransferSummary {
  readonly files: number
  readonly directories: number
  readonly bytes: number
  /** Entries not transferred (symlinks and special files on upload; unrepresentable keys on download), with why. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[]
}

/** Counts finished files and bytes and reports them. */
export class ProgressCounter {
  #filesDone = 0
  #bytesDone = 0
  constructor(
    private readonly filesTotal: number,
    private readonly bytesTotal: number,
    private readonly onProgress: TransferOptions['onProgress'],
  ) {}

  fileDone(path: string, bytes: number): void {
    this.#filesDone++
    this.#bytesDone += bytes
    this.onProgress?.({ filesDone: this.#filesDone, filesTotal: this.filesTotal, bytesDone: this.#bytesDone, bytesTotal: this.bytesTotal, path })
  }

  get bytesDone(): number {
    return this.#bytesDone
  }
}
