import { describe, expect, it } from 'vitest'
import { createProgress, progressLine } from '../src/progress.js'
import { capture } from './helpers.js'

const step = (filesDone: number, bytesDone: number) => ({ filesDone, filesTotal: 4, bytesDone, bytesTotal: 4096, path: `/f${filesDone}` })

describe('progress', () => {
  it('draws a bar on a terminal once the copy has run a while, then clears it for the summary', () => {
    const stream = capture({ isTTY: true, columns: 120 })
    let time = 0
    const progress = createProgress(stream, { now: () => time })
    progress.onProgress(step(1, 1024))
    expect(stream.text()).toBe('')
    time = 1000
    progress.onProgress(step(2, 2048))
    time = 1050
    progress.onProgress(step(3, 3072))
    time = 1500
    progress.onProgress(step(4, 4096))
    progress.finish('copied 4 files')
    expect(stream.text()).toBe(
      '\r\x1b[2K[##########----------]  50%  2/4 files  2.0 KiB/4.0 KiB  /f2' +
        '\r\x1b[2K[####################] 100%  4/4 files  4.0 KiB/4.0 KiB  /f4' +
        '\r\x1b[2Kcopied 4 files in 1.5s\n',
    )
  })

  it('prints only the summary when stderr is not a terminal, and nothing when quiet', () => {
    const plain = capture()
    let time = 0
    const progress = createProgress(plain, { now: () => (time += 400) })
    progress.onProgress(step(1, 1024))
    progress.onProgress(step(4, 4096))
    progress.finish('copied 4 files')
    expect(plain.text()).toBe('copied 4 files in 0.4s\n')
    const quiet = capture({ isTTY: true })
    const silent = createProgress(quiet, { quiet: true, now: () => (time += 400) })
    silent.onProgress(step(4, 4096))
    silent.finish('copied')
    expect(quiet.text()).toBe('')
  })

  it('cuts the line to the terminal width', () => {
    const line = progressLine({ filesDone: 1, filesTotal: 1, bytesDone: 5, bytesTotal: 10, path: `/${'x'.repeat(200)}` }, 60)
    expect(line.length).toBeLessThanOrEqual(60)
    expect(line.startsWith('[##########----------]  50%  5 B/10 B  /xxx')).toBe(true)
  })
})
