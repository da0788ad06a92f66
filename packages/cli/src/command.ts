import type { Volume, VolumeStore } from '@volumes/core'
import type { OptionSpecs, ParsedArgs, globalOptions } from './args.js'
import type { CliIo } from './io.js'

/** What a command gets to work with. */
export interface CommandContext {
  readonly io: CliIo
  /** The volume store, opened on first use (from `--store`, `VOLUMES_STORE` or the default directory). */
  store(): Promise<VolumeStore>
  /** A volume by name or id, connected once per run. */
  volume(nameOrId: string): Promise<Volume>
  /** Writes one line to stdout. */
  print(line: string): void
  /** Writes one line to stderr (notes and summaries that are not the command's output). */
  note(line: string): void
  /** Resolves a local path against the working directory. */
  localPath(path: string): string
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal | undefined
  /** `{ signal }` when there is one, `{}` otherwise: spread it into options that do not accept `undefined`. */
  readonly signalOption: { readonly signal?: AbortSignal }
}

/** How commands are grouped in the overall help. */
export type CommandGroup = 'volumes' | 'files'

/** The definition of one command, with its options typed from their specs. */
export interface CommandSpec<O extends OptionSpecs> {
  readonly name: string
  readonly group: CommandGroup
  /** One line for the overall help. */
  readonly summary: string
  /** Arguments after the name, e.g. `[-l] [--depth N] <volume>:<path>...`. */
  readonly usage: string
  /** Extra help paragraphs and examples. */
  readonly details?: readonly string[]
  readonly options: O
  run(context: CommandContext, args: ParsedArgs<O & typeof globalOptions>): Promise<void>
}

/** A command in the table: see {@link defineCommand}. */
export interface Command {
  readonly name: string
  readonly group: CommandGroup
  readonly summary: string
  readonly usage: string
  readonly details: readonly string[]
  readonly options: OptionSpecs
  run(context: CommandContext, args: ParsedArgs): Promise<void>
}

/** Declares a command; its `run` sees option values typed from `options`. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    group: spec.group,
    summary: spec.summary,
    usage: spec.usage,
    details: spec.details ?? [],
    options: spec.options,
    run: (context, args) => spec.run(context, args as ParsedArgs<O & typeof globalOptions>),
  }
}
