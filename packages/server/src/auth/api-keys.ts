import { createHash, timingSafeEqual } from 'node:crypto'

/** One API key and the team it acts for. */
export interface ApiKey {
  readonly key: string
  readonly team: string
}

/** API keys as a list, or as a `{ key: team }` object. */
export type ApiKeys = readonly ApiKey[] | Readonly<Record<string, string>>

interface StoredKey {
  readonly digest: Buffer
  readonly team: string
}

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/**
 * The API keys a server accepts, each mapped to a team. Keys are kept as SHA-256
 * digests and a presented key is compared with every one of them with
 * `crypto.timingSafeEqual` (equal-length digests, no early exit), so neither the
 * comparison nor the position of a match tells an attacker anything.
 */
export class ApiKeyTable {
  readonly #keys: readonly StoredKey[]

  constructor(keys: ApiKeys) {
    const list: readonly ApiKey[] = Array.isArray(keys) ? keys : Object.entries(keys).map(([key, team]) => ({ key, team }))
    for (const { key, team } of list) {
      if (typeof key !== 'string' || key.length < 16) throw new TypeError('an API key must be a string of at least 16 characters')
      if (typeof team !== 'string' || team.length === 0 || team.length > 128) throw new TypeError('an API key needs a team name of 1 to 128 characters')
    }
    this.#keys = list.map(({ key, team }) => ({ digest: digestOf(key), team }))
  }

  /** Number of keys. */
  get size(): number {
    return this.#keys.length
  }

  /** The team of a presented key, or undefined when no key matches. */
  teamOf(presented: string): string | undefined {
    const digest = digestOf(presented)
    let team: string | undefined
    for (const stored of this.#keys) {
      if (timingSafeEqual(stored.digest, digest) && team === undefined) team = stored.team
    }
    return team
  }
}
