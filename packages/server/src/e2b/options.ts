/** Options of the E2B-compatible routes (`VolumesHandlerOptions.e2b`). */
export interface E2bOptions {
  /**
   * Where the routes live: `E2B_API_URL` and `E2B_VOLUME_API_URL` are the server's URL plus
   * this prefix. Default `/e2b`. It cannot be the root, where the server's own API lives.
   */
  readonly prefix?: string | undefined
  /**
   * Lifetime of the volume tokens handed out in `VolumeAndToken` (create, getInfo, connect).
   * The SDK keeps the token in its `Volume` object, so a handle older than this must connect
   * again (its calls fail with `AuthenticationError`). Default: the server's
   * `maxTokenTtlSeconds` (7 days).
   */
  readonly tokenTtlSeconds?: number | undefined
}

/** The E2B options with their defaults applied. */
export interface ResolvedE2bOptions {
  readonly prefix: string
  readonly tokenTtlSeconds: number
}

/** Applies the defaults and checks the prefix (`/x` or `/x/y`, no trailing slash) and the TTL. */
export function resolveE2bOptions(options: E2bOptions, maxTokenTtlSeconds: number): ResolvedE2bOptions {
  const prefix = options.prefix ?? '/e2b'
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix) || prefix.split('/').some((part) => part === '.' || part === '..')) {
    throw new TypeError(`the E2B prefix must be a path like '/e2b' (not the root, no trailing slash), got '${prefix}'`)
  }
  const tokenTtlSeconds = options.tokenTtlSeconds ?? maxTokenTtlSeconds
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1) throw new TypeError('the E2B token lifetime must be a positive integer number of seconds')
  return { prefix, tokenTtlSeconds }
}
