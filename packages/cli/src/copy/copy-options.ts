import type { CommandContext } from '../command.js'
import { createProgress, type ProgressReporter } from '../progress.js'

/** What `cp` was asked to do, shared by its three directions. */
export interface CopyOptions {
  readonly recursive: boolean
  /** Several sources, or a destination ending in `/`: sources go inside it. */
  readonly intoDirectory: boolean
  readonly quiet: boolean
  /** Files in flight at once in directory copies. */
  readonly concurrency: number | undefined
}

/**
 * Runs one copy with a progress reporter on stderr; clears the bar when it fails.
 * `copy` resolves to the summary line (without the timing).
 */
export async function withProgress(context: CommandContext, options: CopyOptions, copy: (progress: ProgressReporter) => Promise<string>): Promise<void> {
  const progress = createProgress(context.io.stderr, { quiet: options.quiet })
  let summary: string
  try {
    summary = await copy(progress)
  } catch (error) {
    progress.abandon()
    throw error
  }
  progress.finish(summary)
}

/** Notes the entries a directory transfer skipped, one line each. */
export function noteSkipped(context: CommandContext, skipped: readonly { readonly path: string; readonly reason: string }[]): void {
  for (const entry of skipped) context.note(`volumes: skipped ${entry.path}: ${entry.reason}`)
}
