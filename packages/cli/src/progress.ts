import type { TransferProgress } from '@volumes/core'
import { formatBytes } from './format.js'
import type { OutputStream } from './io.js'

/** A copy shorter than this never draws a bar, so quick copies do not flicker. */
const SHOW_AFTER_MS = 300
/** Redraw at most this often. */
const REDRAW_MS = 100

/** Reports one copy's progress on stderr. */
export interface ProgressReporter {
  /** Feed this to `uploadDirectory` / `downloadDirectory`, or call it while streaming a file. */
  readonly onProgress: (progress: TransferProgress) => void
  /** Clears the bar and prints `summary` (unless quiet). */
  finish(summary: string): void
  /** Clears the bar without a summary (the copy failed). */
  abandon(): void
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Print nothing, not even the summary. */
  readonly quiet?: boolean | undefined
  /** Time source, for tests. */
  readonly now?: (() => number) | undefined
}

/**
 * A progress bar on `stream` when it is a terminal and the copy takes a while:
 * `[########------------]  40%  812/2000 files  3.2/7.8 MiB  /src/lib/a.ts`.
 * On anything else (a pipe, a file, CI logs) only the summary line is printed.
 */
export function createProgress(stream: OutputStream, options: ProgressOptions = {}): ProgressReporter {
  const now = options.now ?? Date.now
  const started = now()
  const live = stream.isTTY === true && !options.quiet
  let lastDraw = 0
  let drawn = false

  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K')
    drawn = false
  }

  return {
    onProgress(progress) {
      if (!live) return
      const time = now()
      const finished = progress.filesDone === progress.filesTotal && progress.bytesDone === progress.bytesTotal
      if (time - started < SHOW_AFTER_MS || (time - lastDraw < REDRAW_MS && !finished)) return
      lastDraw = time
      stream.write(`\r\x1b[2K${progressLine(progress, stream.columns || 80)}`)
      drawn = true
    },
    finish(summary) {
      clear()
      if (!options.quiet) stream.write(`${summary} in ${formatSeconds(now() - started)}\n`)
    },
    abandon: clear,
  }
}

/** One frame of the bar, cut to the terminal width. */
export function progressLine(progress: TransferProgress, columns: number): string {
  const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : progress.filesTotal > 0 ? progress.filesDone / progress.filesTotal : 1
  const width = 20
  const filled = Math.min(width, Math.round(fraction * width))
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  const files = progress.filesTotal > 1 ? `  ${progress.filesDone}/${progress.filesTotal} files` : ''
  const line = `${bar} ${percent}${files}  ${formatBytes(progress.bytesDone)}/${formatBytes(progress.bytesTotal)}  ${progress.path}`
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}
