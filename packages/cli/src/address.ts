import { normalisePath } from '@volumes/core'
import { UsageError } from './errors.js'

/** A path inside a volume, written `<volume>:<path>` on the command line. */
export interface VolumeLocation {
  readonly kind: 'volume'
  /** Volume name or id. */
  readonly volume: string
  /** Normalised absolute path inside the volume. */
  readonly path: string
  /** The argument ended with `/`: the user means a directory. */
  readonly trailingSlash: boolean
}

/** A path on this machine's disk. */
export interface LocalLocation {
  readonly kind: 'local'
  readonly path: string
  readonly trailingSlash: boolean
}

/** Either side of a copy. */
export type Location = VolumeLocation | LocalLocation

/**
 * `<volume>:<path>`: a volume name or id (letters, digits, `-`, `_`), a colon, and
 * a path in the volume (`my-vol:` and `my-vol:/` are the root; `my-vol:a` is `/a`).
 * Local names with a colon can be written `./name:x`.
 */
const VOLUME_ADDRESS = /^([A-Za-z0-9_-]+):(.*)$/s

/**
 * Reads a command-line argument as a volume location or a local path. The volume
 * path is normalised at once, so `vol:/../x` fails here with EINVAL, before any request.
 */
export function parseLocation(argument: string, op: string): Location {
  const match = VOLUME_ADDRESS.exec(argument)
  if (!match) return { kind: 'local', path: argument, trailingSlash: argument.endsWith('/') }
  const raw = match[2]!
  const absolute = raw.startsWith('/') ? raw : `/${raw}`
  return { kind: 'volume', volume: match[1]!, path: normalisePath(absolute, op), trailingSlash: raw.length > 1 && raw.endsWith('/') }
}

/**
 * Reads an argument that must be a volume location. With `bareIsRoot`, a plain
 * name (`my-vol`) means the volume's root, as `ls my-vol` reads naturally.
 */
export function parseVolumeLocation(argument: string, command: string, options: { bareIsRoot?: boolean } = {}): VolumeLocation {
  if (options.bareIsRoot && /^[A-Za-z0-9_-]+$/.test(argument)) return { kind: 'volume', volume: argument, path: '/', trailingSlash: false }
  const location = parseLocation(argument, command)
  if (location.kind !== 'volume') throw new UsageError(`expected <volume>:<path>, got '${argument}'`, command)
  return location
}

/** How a volume location is shown to people: `my-vol:/a/b`. */
export function formatLocation(location: VolumeLocation): string {
  return `${location.volume}:${location.path}`
}
