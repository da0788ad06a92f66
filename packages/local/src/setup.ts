import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises'
import { errnoOf } from './errors.js'
import { removeQuietly } from './fs-util.js'
import type { Layout } from './layout.js'
import { hostTag, isProcessAlive } from './process-identity.js'

/** A temporary file from another host, or with no recognisable owner, is removed after this long. */
const FOREIGN_TEMP_MS = 24 * 60 * 60 * 1000

/** Prepares a root on first use: creates the reserved directories, then clears crashed writers' temporary files. */
export async function prepareRoot(layout: Layout): Promise<void> {
  await createLayout(layout)
  await sweepTemps(layout)
}

/**
 * Removes temporary files that crashed writers left: those of dead processes of this host at
 * once, others after a day. Best effort: a failure here never fails the store.
 */
async function sweepTemps(layout: Layout): Promise<void> {
  let names: string[]
  try {
    names = await readdir(layout.tmpDir)
  } catch {
    return
  }
  const tag = hostTag()
  await Promise.all(names.map(async (name) => {
    const [owner, pid] = name.split('.')
    const path = `${layout.tmpDir}/${name}`
    if (owner === tag) {
      if (Number(pid) !== process.pid && !isProcessAlive(Number(pid))) await removeQuietly(path)
      return
    }
    const stats = await lstat(path).catch(() => undefined)
    if (stats !== undefined && Date.now() - stats.mtimeMs > FOREIGN_TEMP_MS) await removeQuietly(path)
  }))
}

/** Creates the reserved directories and a note for people who browse the root. */
async function createLayout(layout: Layout): Promise<void> {
  const [createdMeta] = await Promise.all([layout.metaDir, layout.tmpDir].map((dir) => mkdir(dir, { recursive: true })))
  // Created once with the root, so that writes never pay a failed rename and a mkdir per bucket.
  if (createdMeta !== undefined) await Promise.all(layout.fanOutDirs().map((dir) => mkdir(dir, { recursive: true })))
  const note = 'Managed by @volumes/local: metadata records, temporary files and locks of the objects stored\n' +
    'as plain files beside this directory. Do not edit; deleting it resets metadata to the defaults.\n'
  await writeFile(`${layout.reserved}/README.txt`, note, { flag: 'wx' }).catch((error: unknown) => {
    if (errnoOf(error) !== 'EEXIST') throw error
  })
}

