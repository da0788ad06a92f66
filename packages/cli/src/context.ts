import { resolve } from 'node:path'
import { VolumeStore, type Volume } from '@volumes/core'
import type { CommandContext } from './command.js'
import type { CliIo } from './io.js'
import { blobStoreFromUrl, resolveStoreUrl } from './store-from-url.js'

/** Options of {@link createContext}. */
export interface ContextOptions {
  /** The `--store` flag, if given. */
  readonly storeUrl?: string | undefined
  /** A store to use instead of opening one from a URL (embedding, tests). */
  readonly store?: VolumeStore | undefined
}

/** Builds the context commands run in; the store is opened only when a command asks for it. */
export function createContext(io: CliIo, options: ContextOptions): CommandContext {
  let store: Promise<VolumeStore> | undefined
  const volumes = new Map<string, Promise<Volume>>()
  const context: CommandContext = {
    io,
    signal: io.signal,
    signalOption: io.signal ? { signal: io.signal } : {},
    store() {
      store ??= options.store
        ? Promise.resolve(options.store)
        : blobStoreFromUrl(resolveStoreUrl(options.storeUrl, io.env, io.cwd).url).then((blobs) => new VolumeStore({ blobs }))
      return store
    },
    volume(nameOrId) {
      let volume = volumes.get(nameOrId)
      if (!volume) {
        volume = context.store().then((opened) => opened.connect(nameOrId))
        volumes.set(nameOrId, volume)
      }
      return volume
    },
    print(line) {
      io.stdout.write(`${line}\n`)
    },
    note(line) {
      io.stderr.write(`${line}\n`)
    },
    localPath(path) {
      return resolve(io.cwd, path)
    },
  }
  return context
}
