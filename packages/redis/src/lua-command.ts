import type { RedisClient } from './config.js'
import { ACQUIRE, INDEX, INSPECT, RELEASE, RENEW } from './lua-scripts.js'

/** The scripts of the lease manager, as ioredis custom commands. */
export interface LeaseScripts {
  acquire(keys: readonly string[], args: readonly (string | number)[]): Promise<[number, number | string, number?, number?]>
  renew(keys: readonly string[], args: readonly (string | number)[]): Promise<[number, number]>
  release(keys: readonly string[], args: readonly (string | number)[]): Promise<number>
  inspect(keys: readonly string[], args: readonly (string | number)[]): Promise<string[]>
  index(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>
}

const sources = { acquire: ACQUIRE, renew: RENEW, release: RELEASE, inspect: INSPECT, index: INDEX } as const

type Invoke = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>

/**
 * Registers the scripts on the client with `defineCommand` (ioredis sends EVAL once per
 * connection, EVALSHA after, and reloads a script Redis forgot after a restart) and returns
 * typed callers. Key counts vary (the optional holder index), so each call passes its own.
 */
export function defineLeaseScripts(client: RedisClient): LeaseScripts {
  const callers: Partial<Record<keyof typeof sources, Invoke>> = {}
  for (const [name, lua] of Object.entries(sources) as [keyof typeof sources, string][]) {
    const command = `volumesLease_${name}`
    if (typeof (client as unknown as Record<string, unknown>)[command] !== 'function') client.defineCommand(command, { lua })
    const invoke = (client as unknown as Record<string, Invoke>)[command]!
    callers[name] = (numberOfKeys, ...rest) => invoke.call(client, numberOfKeys, ...rest)
  }
  const call = (name: keyof typeof sources) => (keys: readonly string[], args: readonly (string | number)[]) => callers[name]!(keys.length, ...keys, ...args)
  return {
    acquire: call('acquire') as LeaseScripts['acquire'],
    renew: call('renew') as LeaseScripts['renew'],
    release: call('release') as LeaseScripts['release'],
    inspect: call('inspect') as LeaseScripts['inspect'],
    index: call('index'),
  }
}
