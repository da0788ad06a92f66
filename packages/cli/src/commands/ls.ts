import { MAX_LIST_DEPTH, type EntryInfo } from '@volumes/core'
import { formatLocation, parseVolumeLocation } from '../address.js'
import { parseInteger } from '../args.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { displayName, entryJson, formatShortDate, formatTable, modeString } from '../format.js'
import { toJson } from '../volume-json.js'

/** `volumes ls [-l] [--depth N] <volume>:<path>...` */
export const ls = defineCommand({
  name: 'ls',
  group: 'files',
  summary: 'List a directory',
  usage: '[-l] [--depth N] [--json] <volume>[:<path>]...',
  details: ['Directories end with /. With --depth above 1, names are paths relative to the listed directory.', '', 'Example: volumes ls -l my-vol:/src'],
  options: {
    long: { type: 'boolean', short: 'l', description: 'Show mode, uid, gid, size and mtime' },
    depth: { type: 'string', valueName: 'N', description: `Levels to descend, 1 to ${MAX_LIST_DEPTH} (default 1)` },
    json: { type: 'boolean', description: 'Print entries as a JSON array' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length === 0) throw new UsageError("missing <volume>[:<path>] (to list volumes, run 'volumes list')", 'ls')
    const depth = values.depth === undefined ? 1 : parseInteger(values.depth, '--depth', 'ls', 1, MAX_LIST_DEPTH)
    const locations = positionals.map((argument) => parseVolumeLocation(argument, 'ls', { bareIsRoot: true }))
    const json: Record<string, unknown>[] = []
    for (const [index, location] of locations.entries()) {
      const volume = await context.volume(location.volume)
      const target = await volume.getInfo(location.path)
      const entries = target.type === 'directory' ? await volume.list(location.path, { depth, signal: context.signal }) : [target]
      if (values.json) {
        json.push(...entries.map(entryJson))
        continue
      }
      if (locations.length > 1) context.print(`${index > 0 ? '\n' : ''}${formatLocation(location)}:`)
      const base = target.type === 'directory' ? location.path : undefined
      const names = entries.map((entry) => displayName(entry, base === undefined ? entry.name : relativeTo(base, entry.path)))
      if (!values.long) {
        for (const name of names) context.print(name)
        continue
      }
      for (const line of formatTable(entries.map((entry, at) => longRow(entry, names[at]!)), [1, 2, 3])) context.print(line)
    }
    if (values.json) context.print(toJson(json))
  },
})

function longRow(entry: EntryInfo, name: string): string[] {
  return [modeString(entry.type, entry.mode), String(entry.uid), String(entry.gid), String(entry.size), formatShortDate(entry.mtime), name]
}

function relativeTo(base: string, path: string): string {
  return base === '/' ? path.slice(1) : path.slice(base.length + 1)
}
