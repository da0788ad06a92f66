import type { Writable } from 'node:stream'

/** A stream the CLI writes to: stdout or stderr, or a capture in tests. */
export type OutputStream = Writable & {
  /** True when the stream is a terminal; progress bars are drawn only then. */
  readonly isTTY?: boolean | undefined
  /** Terminal width, when known. */
  readonly columns?: number | undefined
}

/**
 * Everything the CLI touches outside itself, so that it can run in-process
 * (tests, embedding) as well as from the `volumes` binary.
 */
export interface CliIo {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  /** Environment: `VOLUMES_STORE`, `VOLUMES_HOME`, `HOME`. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Directory that relative local paths are resolved against. */
  readonly cwd: string
  /** Stops long operations (the binary aborts it on Ctrl-C). */
  readonly signal?: AbortSignal | undefined
}

/** The io of the running process. */
export function processIo(signal?: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal }
}
