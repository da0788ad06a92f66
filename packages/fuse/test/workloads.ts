import { expect, it } from 'vitest'
import type { VolumeStore } from '@volumes/core'
import { mountFresh, scratch, sh } from './helpers.js'

/** A tarball of a real source tree (this repository's core sources), made once. */
async function sourceTarball(dir: string): Promise<string> {
  const tarball = `${dir}/tree.tar`
  await sh(`tar -cf '${tarball}' -C '${new URL('../../core', import.meta.url).pathname}' src test package.json`)
  return tarball
}

/** A small local git repository with a few commits, a subdirectory, an executable and a symlink. */
async function localRepository(dir: string): Promise<string> {
  const repo = `${dir}/origin`
  await sh(`set -e; mkdir -p '${repo}/lib'; cd '${repo}'; git init -q -b main; git config user.email t@example.com; git config user.name t
    echo 'first' > README; printf '#!/bin/sh\\necho hi\\n' > run.sh; chmod +x run.sh; ln -s README link; seq 1 2000 > lib/numbers
    git add -A; git commit -qm one; echo second >> README; git commit -qam two; git gc -q`)
  return repo
}

/**
 * The shell workloads of issue 12 through a real FUSE mount, each checked again
 * through the library afterwards. `makeStore` gives a fresh store per test.
 */
export function workloadSuite(makeStore: () => Promise<VolumeStore>, options: { readonly shellOnly?: boolean } = {}): void {
  it('mkdir -p, write, append, dd conv=notrunc, chmod, chown, touch -d, mv, ln -s, truncate, rm -r', async () => {
    const store = await makeStore()
    const volume = await store.create('shell')
    const mount = await mountFresh(store, 'shell')
    const m = mount.mountpoint
    try {
      await sh(`set -e; cd ${m}
        mkdir -p a/b/c
        echo one > a/b/c/f; echo two >> a/b/c/f
        printf 'abcdefghij' > g; printf 'XY' | dd of=g bs=1 seek=3 conv=notrunc status=none
        chmod 640 g; chown 1234:2345 g; touch -d '2001-02-03 04:05:06 UTC' g
        mkdir d; echo inside > d/x; mv d e; mv a/b/c/f a/f2
        ln -s ../g a/link
        seq 1 1000 > t; truncate -s 10 t; truncate -s 20 t
        mkdir -p r/s/t; echo deep > r/s/t/u; rm -r r`)
      expect(await sh(`cat ${m}/a/f2 ${m}/g; echo; readlink ${m}/a/link; cat ${m}/a/link; echo; stat -c '%a %u %g %Y %s' ${m}/g ${m}/t`)).toBe(
        'one\ntwo\nabcXYfghij\n../g\nabcXYfghij\n640 1234 2345 981173106 10\n644 0 0 ' + (await sh(`stat -c %Y ${m}/t`)).trim() + ' 20\n')
      expect(await sh(`cd ${m}; ls; ls a e`)).toBe('a\ne\ng\nt\na:\nb\nf2\nlink\n\ne:\nx\n')
    } finally {
      await mount.unmount()
    }
    expect(await volume.readFile('/a/f2')).toBe('one\ntwo\n')
    expect(await volume.readFile('/g')).toBe('abcXYfghij')
    expect(await volume.getInfo('/g')).toMatchObject({ mode: 0o640, uid: 1234, gid: 2345, mtime: new Date('2001-02-03T04:05:06Z') })
    expect(await volume.readlink('/a/link')).toBe('../g')
    expect(await volume.readFile('/e/x')).toBe('inside\n')
    expect(await volume.exists('/d')).toBe(false)
    expect(await volume.exists('/a/b/c/f')).toBe(false)
    expect(await volume.exists('/r')).toBe(false)
    expect(Buffer.from(await volume.readFile('/t', { format: 'bytes' })).toString('hex')).toBe(Buffer.from('1\n2\n3\n4\n5\n' + '\0'.repeat(10)).toString('hex'))
  })

  if (options.shellOnly) return

  it('tar x of a real tree, then diff -r against the original; the library reads the same bytes', async () => {
    const store = await makeStore()
    const volume = await store.create('tree')
    const place = await scratch()
    const mount = await mountFresh(store, 'tree')
    try {
      const tarball = await sourceTarball(place.dir)
      await sh(`set -e; mkdir -p '${place.dir}/orig'; tar -xf '${tarball}' -C '${place.dir}/orig'; tar -xf '${tarball}' -C '${mount.mountpoint}'`)
      await sh(`diff -r '${place.dir}/orig' '${mount.mountpoint}'`)
      const file = (await sh(`cd '${place.dir}/orig' && find . -type f | sort | head -1`)).trim().slice(1)
      expect(await volume.readFile(file)).toBe(await sh(`cat '${place.dir}/orig${file}'`))
      expect((await sh(`cd '${place.dir}/orig' && find . -type f | wc -l`)).trim()).toBe((await sh(`cd '${mount.mountpoint}' && find . -type f | wc -l`)).trim())
    } finally {
      await mount.unmount()
      await place.cleanup()
    }
  })

  it('git clone into the mount, then git fsck --strict and a clean git status', async () => {
    const store = await makeStore()
    const volume = await store.create('git')
    const place = await scratch()
    const mount = await mountFresh(store, 'git')
    try {
      const origin = await localRepository(place.dir)
      await sh(`git clone -q '${origin}' '${mount.mountpoint}/repo'`)
      await sh(`git -C '${mount.mountpoint}/repo' fsck --strict --no-progress`)
      expect(await sh(`git -C '${mount.mountpoint}/repo' status --porcelain`)).toBe('')
      expect(await sh(`git -C '${mount.mountpoint}/repo' log --format=%s`)).toBe('two\none\n')
      expect(await sh(`cd '${mount.mountpoint}/repo' && ./run.sh && readlink link`)).toBe('hi\nREADME\n')
    } finally {
      await mount.unmount()
      await place.cleanup()
    }
    expect(await volume.readFile('/repo/README')).toBe('first\nsecond\n')
    expect(await volume.getInfo('/repo/run.sh')).toMatchObject({ mode: 0o755 })
    expect(await volume.readlink('/repo/link')).toBe('README')
  })
}
