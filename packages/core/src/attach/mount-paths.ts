import { VolumeError } from '../errors/volume-error.js'
import { isWithin, normalisePath } from '../paths/volume-path.js'

function invalid(path: string, detail: string): VolumeError {
  return new VolumeError('EINVAL', { op: 'attach', path, reason: 'InvalidMountPath', detail })
}

/**
 * Checks the mount paths of one attach call and returns them normalised, in order.
 *
 * A mount path is absolute, has no `.` or `..` components, and is not `/`; repeated
 * and trailing slashes are collapsed (`/mnt//data/` is `/mnt/data`). No two paths may
 * be the same once normalised, and none may lie inside another. Anything else is
 * EINVAL (reason `InvalidMountPath`) naming the offending path.
 */
export function checkMountPaths(paths: readonly string[]): string[] {
  const normalised: string[] = []
  for (const path of paths) {
    if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(String(path), `mount path must be absolute: '${String(path)}'`)
    if (path.split('/').some((part) => part === '.' || part === '..')) throw invalid(path, `mount path must be normalised (no . or ..): '${path}'`)
    const clean = normalisePath(path, 'attach')
    if (clean === '/') throw invalid(path, `cannot mount a volume at the root: '${path}'`)
    for (const [index, other] of normalised.entries()) {
      const original = paths[index]!
      if (other === clean) throw invalid(path, `mount path '${path}' is given twice (as '${original}')`)
      if (isWithin(clean, other) || isWithin(other, clean)) throw invalid(path, `mount paths '${original}' and '${path}' are nested`)
    }
    normalised.push(clean)
  }
  return normalised
}
