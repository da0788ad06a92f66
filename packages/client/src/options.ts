import type { CreateVolumeOptions } from '@volumes/core'
import type { ConnectionOptions } from './connection.js'

/** Connection options plus an `AbortSignal`: what every static method takes. */
export interface RequestOptions extends ConnectionOptions {
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link Volume.create}: the library's, plus the connection. */
export interface CreateOptions extends CreateVolumeOptions, RequestOptions {}

/** Options of {@link Volume.destroy}. */
export interface DestroyOptions extends RequestOptions {
  /** Destroy even while attached (the leases are released). */
  readonly force?: boolean | undefined
}

/** Options of {@link Volume.createToken}. */
export interface TokenOptions {
  /** The token may read but not change anything (writes are 403 `EROFS`). */
  readonly readOnly?: boolean | undefined
  /** Lifetime; the server's default when omitted. */
  readonly ttlSeconds?: number | undefined
  readonly signal?: AbortSignal | undefined
}

/** A token scoped to one volume, to hand to a sandbox as its `apiKey`. */
export interface VolumeToken {
  readonly token: string
  readonly expiresAt: Date
}
