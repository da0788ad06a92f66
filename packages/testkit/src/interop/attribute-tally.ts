import type { InteropEntry, SeenEntry } from './interop-tree.js'

/** Attributes an interop test checks, per entry type. */
export type InteropAttribute = 'type' | 'size' | 'content' | 'mode' | 'uid' | 'gid' | 'mtime' | 'target'

const checkedFor: Record<InteropEntry['type'], readonly InteropAttribute[]> = {
  file: ['type', 'size', 'content', 'mode', 'uid', 'gid', 'mtime'],
  directory: ['type', 'mode', 'uid', 'gid', 'mtime'],
  symlink: ['type', 'target', 'uid', 'gid', 'mtime'],
}

/** An attribute a tool carries, for every entry type (`mtime`) or for one (`mtime:file`). */
export type CarriedAttribute = InteropAttribute | `${InteropAttribute}:${InteropEntry['type']}`

/** One mismatch: what was written and what the reader saw. */
export interface Mismatch {
  readonly path: string
  readonly type: InteropEntry['type']
  readonly attribute: InteropAttribute
  readonly expected: unknown
  readonly actual: unknown
}

/** Attributes matching / attributes checked, per attribute and in total, for one tool and direction. */
export class AttributeTally {
  readonly counts = new Map<InteropAttribute, { matched: number; checked: number }>()
  readonly mismatches: Mismatch[] = []

  constructor(readonly label: string) {}

  /** Compares what was written with what was seen, entry by entry. */
  static of(label: string, tree: readonly InteropEntry[], seen: ReadonlyMap<string, SeenEntry>): AttributeTally {
    const tally = new AttributeTally(label)
    for (const entry of tree) {
      const actual = seen.get(entry.path) ?? {}
      for (const attribute of checkedFor[entry.type]) tally.#check(entry, attribute, expectedOf(entry, attribute), valueOf(actual, attribute))
    }
    return tally
  }

  #check(entry: InteropEntry, attribute: InteropAttribute, expected: unknown, actual: unknown): void {
    const count = this.counts.get(attribute) ?? { matched: 0, checked: 0 }
    count.checked++
    if (expected === actual) count.matched++
    else this.mismatches.push({ path: entry.path, type: entry.type, attribute, expected, actual })
    this.counts.set(attribute, count)
  }

  /** Totals over every attribute checked. */
  total(): { matched: number; checked: number } {
    let matched = 0
    let checked = 0
    for (const count of this.counts.values()) {
      matched += count.matched
      checked += count.checked
    }
    return { matched, checked }
  }

  /** Mismatches of the attributes a tool can carry (an empty list is the pass). */
  missesOf(carried: readonly CarriedAttribute[]): Mismatch[] {
    return this.mismatches.filter((miss) => carried.includes(miss.attribute) || carried.includes(`${miss.attribute}:${miss.type}`))
  }

  /** `label: 71/87 (type 12/12, mode 3/11, ...)`, for the log and docs/interop.md. */
  summary(): string {
    const { matched, checked } = this.total()
    const parts = [...this.counts].map(([attribute, count]) => `${attribute} ${count.matched}/${count.checked}`)
    return `${this.label}: ${matched}/${checked} (${parts.join(', ')})`
  }
}

function expectedOf(entry: InteropEntry, attribute: InteropAttribute): unknown {
  if (attribute === 'size') return new TextEncoder().encode(entry.content ?? '').byteLength
  if (attribute === 'mtime') return entry.mtime.getTime() / 1000
  return entry[attribute]
}

function valueOf(seen: SeenEntry, attribute: InteropAttribute): unknown {
  if (attribute === 'mtime') return seen.mtime === undefined ? undefined : Math.floor(seen.mtime.getTime() / 1000)
  return seen[attribute]
}
