/** Longest volume id or name a lookup considers (longer ones find no volume). */
export const MAX_VOLUME_REFERENCE_LENGTH = 256

// Control characters, slashes and unpaired UTF-16 surrogates: no name policy admits them,
// and a registry key built from them is not the same key on every backend.
const UNUSABLE = /[\u0000-\u001f\u007f/]|\p{Cs}/u
const ESCAPED = /[\u0000-\u001f\u007f]|\p{Cs}/gu

/**
 * Whether a volume id or name given to a lookup (`connect`, `getInfo`, `destroy`, `attach`)
 * can name a volume at all: 1 to 256 characters, not `.` or `..`, without control
 * characters, slashes or lone surrogates. The store checks it before any registry key is
 * built from the text, so what no volume can be called finds no volume without a request.
 */
export function isVolumeReference(idOrName: unknown): idOrName is string {
  return typeof idOrName === 'string'
    && idOrName.length > 0
    && idOrName.length <= MAX_VOLUME_REFERENCE_LENGTH
    && idOrName !== '.'
    && idOrName !== '..'
    && !UNUSABLE.test(idOrName)
}

/**
 * A volume id or name as it may appear in an error message: control characters as `\uXXXX`,
 * lone surrogates as U+FFFD, at most 256 characters.
 */
export function displayVolumeReference(idOrName: string): string {
  const shown = idOrName.length > MAX_VOLUME_REFERENCE_LENGTH ? `${idOrName.slice(0, MAX_VOLUME_REFERENCE_LENGTH)}…` : idOrName
  return shown.replace(ESCAPED, (c) => (c.length === 1 && c.charCodeAt(0) < 0xd800 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : '\uFFFD'))
}
