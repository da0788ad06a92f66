/** Nanoseconds since the epoch for a `Date` (or now). */
export function nanosecondsOf(date: Date = new Date()): bigint {
  return BigInt(date.getTime()) * 1_000_000n
}

/** `<seconds>.<9-digit nanoseconds>`, the time format of the codec. */
export function formatTimestamp(ns: bigint): string {
  const seconds = ns / 1_000_000_000n
  const fraction = ns % 1_000_000_000n
  return `${seconds}.${fraction.toString().padStart(9, '0')}`
}

/** Parses `<seconds>[.<fraction>]` (any fraction length); `undefined` when malformed. */
export function parseTimestamp(value: string | undefined): bigint | undefined {
  const match = value === undefined ? null : /^(\d{1,15})(?:\.(\d{1,9})\d*)?$/.exec(value.trim())
  if (!match) return undefined
  return BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0') || '0')
}

/** A `Date` for nanoseconds since the epoch (millisecond precision). */
export function dateOf(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n))
}

const NS_PER_SECOND = 1_000_000_000n
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/** `2024-05-06T07:08:09.123456789Z` for nanoseconds since the epoch (always nine fraction digits, UTC). */
export function formatRfc3339Nano(ns: bigint): string {
  const seconds = ns / NS_PER_SECOND
  const fraction = (ns % NS_PER_SECOND).toString().padStart(9, '0')
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  return `${whole}.${fraction}Z`
}

/** Nanoseconds since the epoch of an RFC 3339 time (any fraction length, any offset); `undefined` when malformed. */
export function parseRfc3339Nano(value: string | undefined): bigint | undefined {
  const match = value === undefined ? null : rfc3339.exec(value.trim())
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction = '', , sign, offsetHours, offsetMinutes] = match
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  if (Number.isNaN(ms) || ms < 0) return undefined
  const offsetSeconds = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60)
  const seconds = BigInt(ms / 1000 - offsetSeconds)
  if (seconds < 0n) return undefined
  return seconds * NS_PER_SECOND + BigInt(fraction.padEnd(9, '0'))
}

/** Whole seconds since the epoch (gsutil's `goog-reserved-file-*` times) as nanoseconds; `undefined` when malformed. */
export function parseWholeSeconds(value: string | undefined): bigint | undefined {
  const trimmed = value?.trim()
  return trimmed !== undefined && /^\d{1,15}$/.test(trimmed) ? BigInt(trimmed) * NS_PER_SECOND : undefined
}
