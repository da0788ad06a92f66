import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/** What the request log needs: pino's `Logger`, or anything with the same three methods. */
export interface RequestLogger {
  info(object: object, message?: string): void
  warn(object: object, message?: string): void
  error(object: object, message?: string): void
}

/** One request, as logged. */
export interface RequestLogLine {
  readonly method: string
  /** The URL path as received (percent-encoded; the query is left out: it never holds secrets, but it is noise). */
  readonly path: string
  readonly route: string
  readonly op: string
  readonly status: number
  readonly ms: number
  readonly bytesIn: number
  readonly bytesOut: number
  /** The team the request acted for, once authenticated. */
  readonly team?: string | undefined
  readonly volumeId?: string | undefined
  readonly errorCode?: string | undefined
  readonly reason?: string | undefined
  /** An unexpected error (500): logged with its stack. */
  readonly err?: unknown
}

/**
 * The default logger: pino, JSON lines on stdout, buffered (or to `destination`), level from `LOG_LEVEL`
 * (default `info`). Credentials never reach the log: the Authorization header is not logged.
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const merged = { name: 'volumes-server', level: process.env.LOG_LEVEL ?? 'info', ...options }
  if (destination !== undefined) return pino(merged, destination)
  // Lines are buffered up to 8 KiB and flushed at least every 250 ms (and on exit by pino):
  // one write per line costs more than the rest of a small request's logging.
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 })
  setInterval(() => stdout.flush(), 250).unref()
  return pino(merged, stdout)
}

/** Writes the one line of a finished request: info below 500, error (with the stack) at 500 and up. */
export function logRequest(logger: RequestLogger, line: RequestLogLine): void {
  const { err, ...fields } = line
  if (line.status >= 500 && err !== undefined) logger.error({ ...fields, err }, 'request failed')
  else if (line.status >= 500) logger.warn(fields, 'request failed')
  else logger.info(fields, 'request')
}

/** A logger that drops everything. */
export const silentLogger: RequestLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }
