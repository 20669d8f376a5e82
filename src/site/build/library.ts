/**
 * The package's library entry: src/diffusion/index.ts (schedulers, schedules and their curves,
 * guidance) and the modules it imports, emitted by the TypeScript compiler as ES modules with
 * `.d.ts` declarations, one file per source file. The sources import each other without file
 * extensions (a bundler's convention); Node's ES modules and `moduleResolution: "nodenext"` need
 * them, so every relative specifier of the output is rewritten to the emitted file's name.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The entry, relative to the project root, and where its output lands under the output folder. */
export const LIBRARY_ENTRY = 'src/diffusion/index.ts';
export const LIBRARY_ENTRY_OUT = 'diffusion/index.js';

/** Relative specifiers in emitted code and declarations: `from './x'`, `import './x'`, `import('./x')`. */
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g;

/**
 * `specifier` as Node resolves it from a file in `fromDir`: `./x` → `./x.js`, `./dir` →
 * `./dir/index.js`; one that already names a file stays. Throws for one that names no emitted file.
 */
export function withJsExtension(specifier: string, fromDir: string, exists: (path: string) => boolean = existsSync): string {
  if (/\.(m?js|json)$/.test(specifier) && exists(resolve(fromDir, specifier))) return specifier;
  if (exists(resolve(fromDir, `${specifier}.js`))) return `${specifier}.js`;
  if (exists(resolve(fromDir, specifier, 'index.js'))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(`library build: "${specifier}" (imported from ${fromDir}) is not an emitted module`);
}

/** Rewrites the relative specifiers of one emitted file (code or declarations). */
export function rewriteSpecifiers(text: string, fromDir: string, exists?: (path: string) => boolean): string {
  return text.replace(RELATIVE_SPECIFIER, (_all, lead: string, quote: string, specifier: string) => `${lead}${quote}${withJsExtension(specifier, fromDir, exists)}${quote}`);
}

async function emittedFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((name) => name.endsWith('.js') || name.endsWith('.d.ts')).map((name) => join(dir, name));
}

/**
 * Emits the library into `outDir` (emptied first) and returns the emitted files. Type errors
 * fail the build with the compiler's messages.
 */
export async function buildLibrary(projectRoot: string, outDir: string): Promise<string[]> {
  const ts = (await import('typescript')).default;
  await rm(outDir, { recursive: true, force: true });
  const options: import('typescript').CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    strict: true,
    noImplicitOverride: true,
    useDefineForClassFields: false,
    skipLibCheck: true,
    isolatedModules: true,
    declaration: true,
    rootDir: resolve(projectRoot, 'src'),
    outDir,
    newLine: ts.NewLineKind.LineFeed,
  };
  const program = ts.createProgram([resolve(projectRoot, LIBRARY_ENTRY)], options);
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0 || result.emitSkipped) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => projectRoot, getNewLine: () => '\n' };
    throw new Error(`library build failed:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  const files = await emittedFiles(outDir);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const rewritten = rewriteSpecifiers(text, dirname(file));
    if (rewritten !== text) await writeFile(file, rewritten);
  }
  return files;
}
