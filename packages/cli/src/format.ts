import type { EntryInfo, EntryType } from '@volumes/core'

const typeLetters: Readonly<Record<EntryType, string>> = { file: '-', directory: 'd', symlink: 'l' }

/** `ls -l` style mode: `-rw-r--r--`, `drwxr-xr-x`, with setuid, setgid and sticky bits. */
export function modeString(type: EntryType, mode: number): string {
  const triad = (bits: number, special: boolean, specialLetter: string): string => {
    const execute = bits & 1 ? (special ? specialLetter : 'x') : special ? specialLetter.toUpperCase() : '-'
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${execute}`
  }
  return (
    typeLetters[type] +
    triad((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triad((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triad(mode & 7, (mode & 0o1000) !== 0, 't')
  )
}

/** Permission bits as four octal digits: `0644`. */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0')
}

/** Bytes for people: `512 B`, `4.0 KiB`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}

/** `1 file`, `2 files`; `1 directory`, `2 directories`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}

/** A local time to the minute, as `ls -l --time-style=long-iso` prints it: `2025-01-31 14:05`. */
export function formatShortDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/**
 * Lays rows out in columns separated by two spaces; columns listed in
 * `rightAligned` are padded on the left. The last column is never padded.
 */
export function formatTable(rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)))
  return rows.map((row) =>
    row
      .map((cell, index) => {
        if (index === row.length - 1) return cell
        return rightAligned.includes(index) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)
      })
      .join('  ')
      .trimEnd(),
  )
}

/** The name `ls` shows: directories end with `/`, symlinks show their target. */
export function displayName(entry: EntryInfo, name: string): string {
  if (entry.type === 'directory') return name === '/' || name.endsWith('/') ? name : `${name}/`
  if (entry.type === 'symlink' && entry.target !== undefined) return `${name} -> ${entry.target}`
  return name
}

/** An entry as plain JSON: dates as ISO strings, the mode as a number and as octal text. */
export function entryJson(entry: EntryInfo): Record<string, unknown> {
  return {
    name: entry.name,
    type: entry.type,
    path: entry.path,
    size: entry.size,
    mode: entry.mode,
    modeOctal: octalMode(entry.mode),
    uid: entry.uid,
    gid: entry.gid,
    atime: entry.atime.toISOString(),
    mtime: entry.mtime.toISOString(),
    ctime: entry.ctime.toISOString(),
    ...(entry.target !== undefined ? { target: entry.target } : {}),
  }
}
