import { VolumeError } from '@volumes/core'
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from './request-limit.js'

/**
 * Where the server is and how to authenticate. Every static method of the client
 * accepts these in its options; what is not given comes from the environment
 * (`VOLUMES_API_URL`, `VOLUMES_API_KEY`), as in the E2B SDK.
 */
export interface ConnectionOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. Default: `VOLUMES_API_URL`. */
  readonly apiUrl?: string | undefined
  /** An API key, or a volume token (`vt_…`) scoped to one volume. Default: `VOLUMES_API_KEY`. */
  readonly apiKey?: string | undefined
  /**
   * Requests in flight at once to this server, shared by every handle with the same URL
   * and limit; more wait their turn. Default 64.
   */
  readonly maxConcurrentRequests?: number | undefined
}

/** A resolved connection: a base URL without a trailing slash, a key, and the request limit. */
export interface Connection {
  readonly apiUrl: string
  readonly apiKey: string
  readonly maxConcurrentRequests: number
}

/**
 * Resolves options against the environment. EINVAL (reason `MissingConnection`)
 * naming the option and the variable when either is missing; EINVAL for a URL
 * that is not http(s).
 *
 * @example
 * resolveConnection({ apiUrl: 'http://127.0.0.1:8080' }) // key from VOLUMES_API_KEY
 */
export function resolveConnection(options: ConnectionOptions = {}, env: NodeJS.ProcessEnv = process.env): Connection {
  const apiUrl = options.apiUrl ?? nonEmpty(env.VOLUMES_API_URL)
  const apiKey = options.apiKey ?? nonEmpty(env.VOLUMES_API_KEY)
  if (apiUrl === undefined || apiUrl === '') throw missing('apiUrl', 'VOLUMES_API_URL', 'the server URL')
  if (apiKey === undefined || apiKey === '') throw missing('apiKey', 'VOLUMES_API_KEY', 'an API key or volume token')
  let url: URL
  try {
    url = new URL(apiUrl)
  } catch (error) {
    throw new VolumeError('EINVAL', { op: 'connect', path: apiUrl, reason: 'InvalidApiUrl', detail: 'apiUrl is not a valid URL', cause: error })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VolumeError('EINVAL', { op: 'connect', path: apiUrl, reason: 'InvalidApiUrl', detail: 'apiUrl must be an http:// or https:// URL' })
  }
  url.search = ''
  url.hash = ''
  const max = options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new VolumeError('EINVAL', { op: 'connect', reason: 'InvalidOption', detail: `maxConcurrentRequests must be a positive integer, got ${String(max)}` })
  }
  return { apiUrl: url.href.replace(/\/+$/, ''), apiKey, maxConcurrentRequests: max }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function missing(option: string, variable: string, what: string): VolumeError {
  return new VolumeError('EINVAL', {
    op: 'connect',
    reason: 'MissingConnection',
    detail: `no ${option}: pass { ${option} } in the options or set ${variable} to ${what}`,
  })
}
