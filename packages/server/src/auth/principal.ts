import { HttpError } from '../errors.js'
import type { ApiKeyTable } from './api-keys.js'
import { isVolumeToken, type VolumeTokens } from './volume-tokens.js'

/** Who a request acts for: a team (API key), or one volume of a team (volume token). */
export type Principal =
  | { readonly kind: 'key'; readonly team: string }
  | {
      readonly kind: 'token'
      readonly team: string
      readonly volumeId: string
      readonly readOnly: boolean
      /** The team-scoped holder of an attachment token. */
      readonly holderId?: string | undefined
    }

const unauthorized = (op: string, message: string): HttpError =>
  new HttpError('EAUTH', message, { op, reason: 'Unauthorized', headers: { 'www-authenticate': 'Bearer realm="volumes"' } })

/**
 * Reads `Authorization: Bearer <credential>`: an API key (its team) or a volume token
 * (its volume). Missing, malformed, unknown, expired or badly signed: 401 `EAUTH`,
 * with the same message for every case but a missing header.
 */
export function authenticate(header: string | undefined, keys: ApiKeyTable, tokens: VolumeTokens, op: string): Principal {
  if (header === undefined || header === '') throw unauthorized(op, 'missing Authorization: Bearer <API key or volume token>')
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) throw unauthorized(op, 'invalid credentials')
  const credential = match[1]!
  if (isVolumeToken(credential)) {
    const claims = tokens.verify(credential)
    if (!claims) throw unauthorized(op, 'invalid credentials')
    return { kind: 'token', team: claims.team, volumeId: claims.volumeId, readOnly: claims.readOnly, holderId: claims.holderId }
  }
  const team = keys.teamOf(credential)
  if (team === undefined) throw unauthorized(op, 'invalid credentials')
  return { kind: 'key', team }
}

/** 403 `EACCES` unless the request was made with an API key (volume tokens reach files only). */
export function requireApiKey(principal: Principal, op: string): asserts principal is Extract<Principal, { kind: 'key' }> {
  if (principal.kind !== 'key') throw new HttpError('EACCES', `permission denied: ${op} needs an API key, not a volume token`, { op, reason: 'ApiKeyRequired' })
}
