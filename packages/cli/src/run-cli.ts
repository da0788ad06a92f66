import { readFile } from 'node:fs/promises'
import type { VolumeStore } from '@volumes/core'
import { parseCommandArgs, splitCommand } from './args.js'
import type { Command } from './command.js'
import { commands as builtInCommands } from './commands/index.js'
import { createContext } from './context.js'
import { EXIT_OK, EXIT_USAGE, reportError, UsageError } from './errors.js'
import { commandHelp, overallHelp } from './help.js'
import { processIo, type CliIo } from './io.js'

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Use this store instead of opening one from `--store` / `VOLUMES_STORE` / the default directory. */
  readonly store?: VolumeStore | undefined
  /** The command table; the built-in commands by default. */
  readonly commands?: readonly Command[] | undefined
}

/**
 * Runs one `volumes` command line (without the leading `node` and script) and
 * resolves to its exit status: 0 done, 1 the operation failed, 2 bad usage,
 * 130 interrupted. Never throws; errors are printed as one line on `io.stderr`.
 *
 * @example
 * const status = await runCli(['ls', '-l', 'my-vol:/'], { ...processIo(), env: { VOLUMES_HOME: '/tmp/v' } })
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), options: RunCliOptions = {}): Promise<number> {
  const commands = options.commands ?? builtInCommands
  const debug = argv.includes('--debug')
  try {
    const { name, rest } = splitCommand(argv)
    if (name === undefined) return await runWithoutCommand(rest, io, commands)
    if (name === 'help') return runHelp(rest, io, commands)
    const command = commands.find((candidate) => candidate.name === name)
    if (!command) throw new UsageError(`unknown command '${name}'`)
    const args = parseCommandArgs(rest, command.options, command.name)
    if (args.values.help) {
      io.stdout.write(commandHelp(command))
      return EXIT_OK
    }
    await command.run(createContext(io, { storeUrl: args.values.store, store: options.store }), args)
    return EXIT_OK
  } catch (error) {
    return reportError(error, io.stderr, debug)
  }
}

async function runWithoutCommand(args: readonly string[], io: CliIo, commands: readonly Command[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, undefined)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  if (values.version) {
    io.stdout.write(`${await version()}\n`)
    return EXIT_OK
  }
  if (values.help) {
    io.stdout.write(overallHelp(commands))
    return EXIT_OK
  }
  io.stderr.write(overallHelp(commands))
  return EXIT_USAGE
}

function runHelp(args: readonly string[], io: CliIo, commands: readonly Command[]): number {
  const { positionals } = parseCommandArgs(args, {}, 'help')
  const name = positionals[0]
  if (name === undefined) {
    io.stdout.write(overallHelp(commands))
    return EXIT_OK
  }
  const command = commands.find((candidate) => candidate.name === name)
  if (!command) throw new UsageError(`unknown command '${name}'`)
  io.stdout.write(commandHelp(command))
  return EXIT_OK
}

async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}
