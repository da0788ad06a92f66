import { VolumeError } from '@volumes/core'

/** The kinds of per-path route the server has. */
export type PathRoute = 'files' | 'stat' | 'list' | 'dirs'

/**
 * The route of one volume, `/volumes/{volume}`. A volume id or name that no URL can
 * carry (empty, `.`, `..`, with a slash, over 256 characters) names no volume:
 * ENOENT (reason `VolumeNotFound`) without a request, as the library answers.
 */
export function volumeRoute(idOrName: string, op: string): string {
  if (typeof idOrName !== 'string' || idOrName === '' || idOrName === '.' || idOrName === '..' || idOrName.includes('/') || idOrName.length > 256) {
    throw new VolumeError('ENOENT', { op, path: String(idOrName), reason: 'VolumeNotFound', detail: `Volume "${String(idOrName)}" not found` })
  }
  return `/volumes/${encodeURIComponent(idOrName)}`
}

/**
 * The route of a path inside a volume, e.g. `/volumes/vol-1/files/a%20b/c.txt`.
 * `path` must be normalised (`normalisePath`): no `.` or `..` segment is left for
 * the URL parser to resolve, and each segment is percent-encoded once. The root is
 * the route with a trailing slash.
 */
export function pathRoute(volumeId: string, kind: PathRoute, path: string, op: string): string {
  const encoded = path.split('/').filter((part) => part !== '').map(encodeURIComponent).join('/')
  return `${volumeRoute(volumeId, op)}/${kind}/${encoded}`
}
