import type { EntryInfo } from '@volumes/core'
import { formatLocation, parseVolumeLocation } from '../address.js'
import { defineCommand } from '../command.js'
import { UsageError } from '../errors.js'
import { entryJson, modeString, octalMode } from '../format.js'
import { toJson } from '../volume-json.js'

/** `volumes stat [--json] <volume>:<path>...` */
export const stat = defineCommand({
  name: 'stat',
  group: 'files',
  summary: "Show an entry's type, size, mode, owner and times",
  usage: '[--json] <volume>:<path>...',
  options: {
    json: { type: 'boolean', description: 'Print the entry as JSON (an array for several paths)' },
  },
  async run(context, { values, positionals }) {
    if (positionals.length === 0) throw new UsageError('missing <volume>:<path>', 'stat')
    const locations = positionals.map((argument) => parseVolumeLocation(argument, 'stat'))
    const entries: EntryInfo[] = []
    for (const location of locations) {
      const entry = await (await context.volume(location.volume)).getInfo(location.path)
      entries.push(entry)
      if (values.json) continue
      if (entries.length > 1) context.print('')
      for (const line of describe(formatLocation(location), entry)) context.print(line)
    }
    if (values.json) context.print(toJson(entries.length === 1 ? entryJson(entries[0]!) : entries.map(entryJson)))
  },
})

function describe(where: string, entry: EntryInfo): string[] {
  return [
    `  File: ${where}${entry.target !== undefined ? ` -> ${entry.target}` : ''}`,
    `  Type: ${entry.type}`,
    `  Size: ${entry.size}`,
    `  Mode: ${octalMode(entry.mode)} (${modeString(entry.type, entry.mode)})`,
    `   Uid: ${entry.uid}`,
    `   Gid: ${entry.gid}`,
    `Access: ${entry.atime.toISOString()}`,
    `Modify: ${entry.mtime.toISOString()}`,
    `Change: ${entry.ctime.toISOString()}`,
  ]
}
