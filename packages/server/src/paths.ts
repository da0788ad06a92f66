import { normalisePath } from '@volumes/core'
import { badRequest } from './errors.js'

/**
 * The raw (still percent-encoded) path of a request URL. The URL parser of the runtime
 * has already resolved `.` and `..` segments (`%2e%2e` included), so whatever they
 * pointed at is the route that gets matched and authorised: nothing beyond this point
 * walks the URL.
 */
export function rawPathname(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3)
  if (start < 0) return '/'
  let end = url.length
  for (const stop of ['?', '#']) {
    const at = url.indexOf(stop, start)
    if (at >= 0 && at < end) end = at
  }
  return url.slice(start, end)
}

/** Percent-decodes one URL component, exactly once. Malformed encoding is 400 (`InvalidEncoding`). */
export function decodeOnce(component: string, op: string): string {
  if (!component.includes('%')) return component
  try {
    return decodeURIComponent(component)
  } catch {
    throw badRequest(op, 'InvalidEncoding', `malformed percent-encoding in '${component.slice(0, 200)}'`, component.slice(0, 200))
  }
}

/**
 * The volume path named by the rest of a URL after `/volumes/{volume}/{kind}/`:
 * percent-decoded once (so `%2f` is a slash, `%252e` is the literal name `%2e`, never a
 * dot), then normalised by core, which refuses `..` above the root, NUL bytes (`%00`),
 * over-long names and paths. Backslashes are ordinary characters, as core treats them.
 * Whatever this returns is absolute and inside the volume.
 */
export function volumePathOf(url: string, prefixSegments: number, op: string): string {
  const pathname = rawPathname(url)
  let at = 0
  for (let segment = 0; segment < prefixSegments && at >= 0; segment++) at = pathname.indexOf('/', at + 1)
  const rest = at < 0 ? '' : pathname.slice(at + 1)
  return normalisePath(`/${decodeOnce(rest, op)}`, op)
}

/** The `{volume}` segment of a URL (`/volumes/{volume}/...`), decoded once. */
export function volumeSegmentOf(url: string, op: string): string {
  const pathname = rawPathname(url)
  const segment = pathname.split('/')[2] ?? ''
  return decodeOnce(segment, op)
}

/** A path given in a JSON body (`from`, `to`): a string, normalised by core. */
export function bodyPath(value: unknown, field: string, op: string): string {
  if (typeof value !== 'string') throw badRequest(op, 'InvalidBody', `'${field}' must be a string path`)
  return normalisePath(value, op)
}
