import type { Command } from '../command.js'
import { cat } from './cat.js'
import { chmod } from './chmod.js'
import { chown } from './chown.js'
import { cp } from './cp.js'
import { create } from './create.js'
import { destroy } from './destroy.js'
import { fork } from './fork.js'
import { restore } from './restore.js'
import { snapshot } from './snapshot.js'
import { fsck } from './fsck.js'
import { info } from './info.js'
import { list } from './list.js'
import { ls } from './ls.js'
import { mkdir } from './mkdir.js'
import { mount } from './mount.js'
import { mv } from './mv.js'
import { rm } from './rm.js'
import { serve } from './serve.js'
import { stat } from './stat.js'
import { unmount } from './unmount.js'
import { watch } from './watch.js'

/**
 * The command table, in the order help lists them. Adding a command is one import
 * and one line here.
 */
export const commands: readonly Command[] = [
  create,
  list,
  info,
  destroy,
  snapshot,
  fork,
  restore,
  fsck,
  ls,
  stat,
  cat,
  cp,
  mkdir,
  rm,
  mv,
  watch,
  chmod,
  chown,
  serve,
  mount,
  unmount,
]
