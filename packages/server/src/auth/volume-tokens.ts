import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** What a volume token grants. */
export interface VolumeTokenClaims {
  /** The one volume it reaches (an id, never a name). */
  readonly volumeId: string
  /** The team that owns the volume. */
  readonly team: string
  /** Refuse every mutation with 403 `EROFS`. */
  readonly readOnly: boolean
  /** Expiry, in milliseconds since the epoch. */
  readonly expiresAt: number
  /**
   * For tokens handed out by an attach: the (team-scoped) holder whose lease the token
   * rides on. Every request checks that the holder still holds a lease on the volume.
   */
  readonly holderId?: string | undefined
}

const PREFIX = 'vt_'

interface Payload {
  v: string
  t: string
  r: 0 | 1
  e: number
  h?: string
}

/**
 * Signs and checks volume tokens: `vt_<payload>.<signature>`, the payload base64url JSON,
 * the signature HMAC-SHA256 over it with the server's secret, compared in constant time.
 * Any process with the same secret accepts the tokens of any other (stateless).
 * Tokens cannot be revoked one by one: they expire, and rotating the secret ends them all.
 */
export class VolumeTokens {
  readonly #secret: Buffer

  /** @param secret at least 32 bytes (or characters); a random one when omitted (tokens then die with the process). */
  constructor(secret?: string | Uint8Array) {
    const bytes = secret === undefined ? randomBytes(32) : typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret)
    if (bytes.length < 32) throw new TypeError('the volume token secret must be at least 32 bytes')
    this.#secret = bytes
  }

  /** Signs a token granting `claims`. */
  sign(claims: VolumeTokenClaims): string {
    const payload: Payload = { v: claims.volumeId, t: claims.team, r: claims.readOnly ? 1 : 0, e: claims.expiresAt }
    if (claims.holderId !== undefined) payload.h = claims.holderId
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
    return `${PREFIX}${body}.${this.#sign(body).toString('base64url')}`
  }

  /** The claims of a well-formed, correctly signed, unexpired token; undefined otherwise. */
  verify(token: string, now = Date.now()): VolumeTokenClaims | undefined {
    if (!token.startsWith(PREFIX) || token.length > 4096) return undefined
    const dot = token.lastIndexOf('.')
    if (dot < 0) return undefined
    const body = token.slice(PREFIX.length, dot)
    const given = Buffer.from(token.slice(dot + 1), 'base64url')
    const expected = this.#sign(body)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    let payload: Payload
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload
    } catch {
      return undefined
    }
    if (typeof payload.v !== 'string' || typeof payload.t !== 'string' || typeof payload.e !== 'number' || payload.e <= now) return undefined
    return { volumeId: payload.v, team: payload.t, readOnly: payload.r === 1, expiresAt: payload.e, holderId: typeof payload.h === 'string' ? payload.h : undefined }
  }

  #sign(body: string): Buffer {
    return createHmac('sha256', this.#secret).update(`volumes-token:${body}`).digest()
  }
}

/** True when a bearer credential looks like a volume token rather than an API key. */
export function isVolumeToken(credential: string): boolean {
  return credential.startsWith(PREFIX)
}
