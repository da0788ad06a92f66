import { UsageError } from './errors.js'

/** Parses an octal mode like `755` or `0644` (no symbolic modes). */
export function parseOctalMode(text: string, command: string): number {
  if (!/^0?[0-7]{1,4}$/.test(text)) throw new UsageError(`mode must be octal digits like 644 or 0755 (got '${text}')`, command)
  return Number.parseInt(text, 8)
}

/** Parses `uid`, `uid:gid` or `:gid` into numeric ids. */
export function parseOwner(text: string, command: string): { uid?: number; gid?: number } {
  const match = /^(\d*)(?::(\d*))?$/.exec(text)
  const [uid, gid] = [match?.[1] || undefined, match?.[2] || undefined]
  if (!match || (uid === undefined && gid === undefined)) throw new UsageError(`owner must be UID, UID:GID or :GID, numeric (got '${text}')`, command)
  const id = (value: string): number => {
    const number = Number(value)
    if (!Number.isSafeInteger(number) || number > 0xffffffff) throw new UsageError(`id out of range: ${value}`, command)
    return number
  }
  return { ...(uid !== undefined ? { uid: id(uid) } : {}), ...(gid !== undefined ? { gid: id(gid) } : {}) }
}
