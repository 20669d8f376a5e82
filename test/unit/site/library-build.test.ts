/**
 * The library entry's output (src/site/build/library.ts): relative specifiers written without
 * extensions, as the sources are, become the emitted files' names that Node's ES modules and
 * `moduleResolution: "nodenext"` need.
 */
import { describe, expect, it } from 'vitest';
import { rewriteSpecifiers, withJsExtension } from '../../../src/site/build/library';

/** Emitted files of a small output folder. */
const FILES = new Set(['/out/diffusion/ddim.js', '/out/diffusion/errors.js', '/out/data/rng.js', '/out/diffusion/pipelines/index.js']);
const exists = (path: string): boolean => FILES.has(path);

describe('withJsExtension', () => {
  it('names the module file, or the folder’s index', () => {
    expect(withJsExtension('./ddim', '/out/diffusion', exists)).toBe('./ddim.js');
    expect(withJsExtension('../data/rng', '/out/diffusion', exists)).toBe('../data/rng.js');
    expect(withJsExtension('./pipelines', '/out/diffusion', exists)).toBe('./pipelines/index.js');
    expect(withJsExtension('./ddim.js', '/out/diffusion', exists)).toBe('./ddim.js');
  });

  it('fails the build for a specifier that names no emitted module', () => {
    expect(() => withJsExtension('./missing', '/out/diffusion', exists)).toThrow(/"\.\/missing" \(imported from \/out\/diffusion\) is not an emitted module/);
  });
});

describe('rewriteSpecifiers', () => {
  it('rewrites static imports, re-exports, side-effect imports and import types; leaves packages alone', () => {
    const code = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { Rng } from '../data/rng';",
      "export { DDIMScheduler } from './ddim';",
      "export * from \"./errors\";",
      "import './errors';",
      "export declare function f(): import('./ddim').DDIMScheduler;",
      "const lazy = () => import('./pipelines');",
    ].join('\n');
    expect(rewriteSpecifiers(code, '/out/diffusion', exists)).toBe(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import { Rng } from '../data/rng.js';",
        "export { DDIMScheduler } from './ddim.js';",
        "export * from \"./errors.js\";",
        "import './errors.js';",
        "export declare function f(): import('./ddim.js').DDIMScheduler;",
        "const lazy = () => import('./pipelines/index.js');",
      ].join('\n'),
    );
  });
});
