/**
 * Production builds shared by the end-to-end test files of a run: a build is kept in a temporary
 * folder named by a key of its inputs (each file's path, size and modification time), so the
 * files that need the same build (the widget kit: embed, csp, cross-origin, package; the whole
 * site: lessons-build, offline, mnist-first-visit) build it once. A change to any input builds
 * anew and removes this checkout's older builds of that name; a build cut short leaves none.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './harness';

/** Marks a kept build as finished. */
const COMPLETE_MARK = '.complete';

/** A key of the inputs: folders (walked whole) and files of the repository, missing ones skipped. */
async function inputsKey(inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const input of inputs) {
    const path = join(repoRoot, input);
    if (!existsSync(path)) continue;
    const info = await stat(path);
    if (info.isFile()) {
      hash.update(`${input}\0${info.size}\0${info.mtimeMs}\n`);
      continue;
    }
    const files = (await readdir(path, { recursive: true })).sort();
    for (const file of files) {
      const fileInfo = await stat(join(path, file));
      if (fileInfo.isFile()) hash.update(`${input}/${file}\0${fileInfo.size}\0${fileInfo.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export interface KeptBuild {
  /** The folder the build wrote. */
  root: string;
  /** Whether this call built it (false: an earlier test file's build of the same inputs). */
  built: boolean;
}

/**
 * The build called `name`, made by `make(folder)` from `inputs` unless a finished build of the same
 * inputs is kept already.
 */
export async function keptBuild(name: string, inputs: readonly string[], make: (folder: string) => Promise<void>): Promise<KeptBuild> {
  const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 8);
  const prefix = `diffusion-lab-${name}-${checkout}-`;
  const root = join(tmpdir(), `${prefix}${await inputsKey(inputs)}`);
  if (existsSync(join(root, COMPLETE_MARK))) return { root, built: false };
  for (const old of await readdir(tmpdir())) {
    if (old.startsWith(prefix)) await rm(join(tmpdir(), old), { recursive: true, force: true });
  }
  const building = `${root}.building-${process.pid}`;
  await make(building);
  await writeFile(join(building, COMPLETE_MARK), '');
  await rename(building, root);
  return { root, built: true };
}
