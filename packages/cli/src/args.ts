import { parseArgs } from 'node:util'
import { UsageError } from './errors.js'

/** One option of a command, as `node:util` parseArgs takes it, plus what help says about it. */
export interface OptionSpec {
  readonly type: 'boolean' | 'string'
  readonly short?: string
  readonly multiple?: boolean
  /** Placeholder shown in help for a string option, e.g. `GB`. */
  readonly valueName?: string
  readonly description: string
}

/** The options of a command, by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>

/** Parsed option values, typed from the specs. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : O[K]['multiple'] extends true ? string[] | undefined : string | undefined
}

/** A parsed command line: option values and positional arguments. */
export interface ParsedArgs<O extends OptionSpecs = OptionSpecs> {
  readonly values: OptionValues<O>
  readonly positionals: readonly string[]
}

/** Options every command accepts, before or after its name. */
export const globalOptions = {
  store: { type: 'string', valueName: 'URL', description: 'Where volumes live: file:///path, s3://bucket/prefix, r2://account/bucket, gs://bucket/prefix (default: $VOLUMES_STORE, else $VOLUMES_HOME or ~/.volumes/data)' },
  debug: { type: 'boolean', description: 'Print the stack of an error' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
  version: { type: 'boolean', short: 'V', description: 'Print the version' },
} as const satisfies OptionSpecs

/** The global option values. */
export type GlobalValues = OptionValues<typeof globalOptions>

/**
 * Finds the command name: the first argument that is neither an option nor the
 * value of a global string option. Returns it and the other arguments.
 */
export function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!
    if (token === '--') break
    if (token === '--store') index++
    else if (!token.startsWith('-') || token === '-') return { name: token, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] }
  }
  return { name: undefined, rest: [...argv] }
}

/** Parses `args` against a command's options plus the global ones. Bad options are a {@link UsageError}. */
export function parseCommandArgs<O extends OptionSpecs>(args: readonly string[], options: O, command: string | undefined): ParsedArgs<O & typeof globalOptions> {
  const config = Object.fromEntries(
    Object.entries({ ...globalOptions, ...options } as OptionSpecs).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) }]),
  )
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true })
    return { values: values as OptionValues<O & typeof globalOptions>, positionals }
  } catch (error) {
    throw new UsageError(parseErrorMessage(error), command)
  }
}

/** node's parseArgs messages are long and advise on `--`; keep the first sentence. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const unknown = /^Unknown option '([^']+)'/.exec(message)
  if (unknown) return `unknown option '${unknown[1]}'`
  const first = message.split(/\.\s/)[0] ?? message
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, '')
}

/** Parses a whole number option in `[min, max]`, or throws a {@link UsageError} naming it. */
export function parseInteger(value: string, name: string, command: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got '${value}')`, command)
  }
  return number
}

/** Checks the number of positional arguments. */
export function expectPositionals(positionals: readonly string[], command: string, min: number, max: number, what: string): void {
  if (positionals.length < min) throw new UsageError(`missing ${what}`, command)
  if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`, command)
}
