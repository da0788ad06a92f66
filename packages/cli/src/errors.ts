import { isVolumeError } from '@volumes/core'
import type { OutputStream } from './io.js'

/** Exit status of a successful command. */
export const EXIT_OK = 0
/** Exit status when an operation failed (a missing file, a taken name, an I/O error...). */
export const EXIT_FAILURE = 1
/** Exit status when the command line itself is wrong. */
export const EXIT_USAGE = 2
/** Exit status when the operation was interrupted (Ctrl-C), as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130

/**
 * A command line the CLI cannot run: an unknown command or option, a missing
 * or malformed argument. Printed as one line; exit status 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  /** The command whose `--help` the message points to, if any. */
  readonly command: string | undefined

  constructor(message: string, command?: string) {
    super(message)
    this.command = command
  }
}

/** node:fs and node:net errors carry a code like `ENOENT` and a message already worded for people. */
function isSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && /^E[A-Z]+$/.test((error as unknown as { code: string }).code)
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * Prints `error` as ONE line on `stderr` (`volumes: ENOENT: no such file or
 * directory, stat '/a/b'`), plus the stack when `debug`, and returns the exit status.
 */
export function reportError(error: unknown, stderr: OutputStream, debug: boolean): number {
  let status = EXIT_FAILURE
  let line: string
  if (error instanceof UsageError) {
    status = EXIT_USAGE
    const help = error.command ? `volumes ${error.command} --help` : 'volumes --help'
    line = `${oneLine(error.message)} (see '${help}')`
  } else if (isVolumeError(error)) {
    if (error.code === 'ECANCELED') status = EXIT_INTERRUPTED
    line = oneLine(error.message)
  } else if (error instanceof Error && error.name === 'AbortError') {
    status = EXIT_INTERRUPTED
    line = 'interrupted'
  } else if (isSystemError(error)) {
    // A reader of our stdout went away (`volumes cat f | head`): stop quietly, as cat does.
    if (error.code === 'EPIPE') return EXIT_FAILURE
    line = oneLine(error.message)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    line = `unexpected error: ${oneLine(message)}${debug ? '' : ' (run with --debug for the stack)'}`
  }
  stderr.write(`volumes: ${line}\n`)
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`)
  return status
}
