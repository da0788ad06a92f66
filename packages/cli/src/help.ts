import { globalOptions, type OptionSpec, type OptionSpecs } from './args.js'
import type { Command, CommandGroup } from './command.js'

const groupTitles: Readonly<Record<CommandGroup, string>> = {
  volumes: 'Volumes',
  files: 'Files (address them as <volume>:<path>, the volume by name or id)',
}

function optionLines(options: OptionSpecs): string[] {
  const rows = Object.entries(options).map(([name, spec]: [string, OptionSpec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : ''}`
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const
  })
  const width = Math.max(0, ...rows.map(([flag]) => flag.length))
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`)
}

/** The overall `volumes --help` text. */
export function overallHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  const lines = [
    'Usage: volumes <command> [options] [arguments]',
    '',
    'Persistent, POSIX-like volumes on object storage or the local disk.',
  ]
  for (const group of Object.keys(groupTitles) as CommandGroup[]) {
    const members = commands.filter((command) => command.group === group)
    if (members.length === 0) continue
    lines.push('', `${groupTitles[group]}:`, ...members.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`))
  }
  lines.push(
    '',
    'Global options:',
    ...optionLines(globalOptions),
    '',
    'The store comes from --store <url>, else $VOLUMES_STORE, else the local directory',
    '$VOLUMES_HOME (default ~/.volumes/data). Exit status: 0 ok, 1 failed, 2 bad usage.',
    '',
    "Run 'volumes <command> --help' for a command's options.",
  )
  return `${lines.join('\n')}\n`
}

/** One command's `--help` text. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: volumes ${command.name} ${command.usage}`.trimEnd(), '', command.summary]
  if (command.details.length > 0) lines.push('', ...command.details)
  if (Object.keys(command.options).length > 0) lines.push('', 'Options:', ...optionLines(command.options))
  lines.push('', 'Global options:', ...optionLines(globalOptions))
  return `${lines.join('\n')}\n`
}
