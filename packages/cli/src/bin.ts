#!/usr/bin/env node
import { setMaxListeners } from 'node:events'
import { processIo } from './io.js'
import { runCli } from './run-cli.js'

const controller = new AbortController()
// Concurrent transfers each listen on this one signal while their request runs (16 by default).
setMaxListeners(256, controller.signal)
process.once('SIGINT', () => {
  controller.abort()
  // A second Ctrl-C while the first is being honoured leaves at once.
  process.once('SIGINT', () => process.exit(130))
})
// A closed pipe on stdout (`volumes cat f | head`) ends the write quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await runCli(process.argv.slice(2), processIo(controller.signal))
