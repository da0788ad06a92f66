import type { Volume } from '@volumes/core'
import type { ApiKeyTable } from '../auth/api-keys.js'
import { authenticate, type Principal } from '../auth/principal.js'
import type { VolumeTokens } from '../auth/volume-tokens.js'
import { HttpError } from '../errors.js'

const unauthorized = (op: string, message: string): HttpError => new HttpError('EAUTH', message, { op, reason: 'Unauthorized' })

/**
 * The team of a management request: `X-API-KEY: <API key>`, as the SDK sends it (or
 * `Authorization: Bearer <API key>`). A volume token is not an API key: 401.
 */
export function managementPrincipal(headers: { header(name: string): string | undefined }, keys: ApiKeyTable, tokens: VolumeTokens, op: string): Extract<Principal, { kind: 'key' }> {
  const key = headers.header('x-api-key')
  if (key === undefined || key === '') {
    const authorization = headers.header('authorization')
    if (authorization === undefined) throw unauthorized(op, 'missing X-API-KEY: <API key>')
    const principal = authenticate(authorization, keys, tokens, op)
    if (principal.kind !== 'key') throw unauthorized(op, 'invalid credentials')
    return principal
  }
  const team = keys.teamOf(key)
  if (team === undefined) throw unauthorized(op, 'invalid credentials')
  return { kind: 'key', team }
}

/**
 * The principal of a content request: `Authorization: Bearer <token>` with the token of a
 * `VolumeAndToken` (a volume token, reaching that one volume) or an API key.
 */
export function contentPrincipal(headers: { header(name: string): string | undefined }, keys: ApiKeyTable, tokens: VolumeTokens, op: string): Principal {
  return authenticate(headers.header('authorization'), keys, tokens, op)
}

/** `VolumeAndToken`: the record plus a read-write volume token for it, valid for `ttlSeconds`. */
export function volumeAndToken(volume: Volume, team: string, tokens: VolumeTokens, ttlSeconds: number): { volumeID: string; name: string; token: string } {
  const token = tokens.sign({ volumeId: volume.volumeId, team, readOnly: false, expiresAt: Date.now() + ttlSeconds * 1000 })
  return { volumeID: volume.volumeId, name: volume.name, token }
}
