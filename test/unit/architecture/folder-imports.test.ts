import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layers of src/ (README, "Project layout") as a checked rule: no two top-level folders of
 * src/ import each other, directly or round a loop. Every .ts file's relative imports (static
 * `import`/`export … from`, side-effect imports, and `import()` in code or in types) are resolved
 * to files, the files are grouped by their top-level folder, and the graph between the folders
 * must have no cycle. A failure names one import (file -> specifier) on each edge of the loop.
 */

const root = resolve(__dirname, '../../..');
const srcDir = join(root, 'src');

/** One import that crosses folders: the importing file (relative to the root) and its specifier. */
interface ImportSite {
  file: string;
  specifier: string;
}

/** Folder → folder → the imports that make the edge. */
type FolderGraph = Map<string, Map<string, ImportSite[]>>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Module specifiers of a source text; TypeScript's scanner skips comments and strings. */
function importSpecifiers(sourceText: string): string[] {
  return ts.preProcessFile(sourceText, true, true).importedFiles.map((f) => f.fileName);
}

/** The file a relative specifier names, the way the bundler resolves it (x.ts or x/index.ts). */
function resolveRelative(fromFile: string, specifier: string): string | null {
  const base = resolve(dirname(fromFile), specifier.replace(/[?#].*$/, ''));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The top-level folder of src/ a file lies in, or null outside src/. */
function folderOf(file: string): string | null {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : '(src)';
}

function folderGraph(): { graph: FolderGraph; unresolved: ImportSite[] } {
  const graph: FolderGraph = new Map();
  const unresolved: ImportSite[] = [];
  for (const file of tsFiles(srcDir)) {
    const from = folderOf(file)!;
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const site = { file: relative(root, file), specifier };
      const target = resolveRelative(file, specifier);
      if (!target) {
        unresolved.push(site);
        continue;
      }
      const to = folderOf(target);
      if (to === null || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from)!;
      if (!edges.has(to)) edges.set(to, []);
      edges.get(to)!.push(site);
    }
  }
  return { graph, unresolved };
}

/** Strongly connected components (Tarjan 1972); a component of two or more folders is a loop. */
function loopsOf(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

/** One cycle through `start` inside a component (breadth-first, so the shortest), as folder names. */
function cycleThrough(graph: FolderGraph, component: string[], start: string): string[] {
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}

/** "a -> b -> a" followed by one import per edge. */
function describeLoop(graph: FolderGraph, cycle: string[]): string {
  const lines = [cycle.join(' -> ')];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const site = graph.get(cycle[i])!.get(cycle[i + 1])![0];
    lines.push(`  ${cycle[i]} -> ${cycle[i + 1]}: ${site.file} -> '${site.specifier}'`);
  }
  return lines.join('\n');
}

describe('imports between the top-level folders of src/', () => {
  it('reads every kind of import, and no import hidden in a comment or a string', () => {
    const text = [
      "import a from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "export * from './d';",
      "import './e.css';",
      "const f = await import('./f');",
      "let g: import('../g').G;",
      "import {\n  h,\n} from './h';",
      "// import x from './in-a-comment';",
      "const s = \"import('./in-a-string')\";",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a', '../b', './c', './d', './e.css', './f', '../g', './h']);
  });

  it('resolves every relative import to a file', () => {
    const { graph, unresolved } = folderGraph();
    expect(unresolved).toEqual([]);
    // The walk found the layers at all (a broken walk would find no loop either).
    expect(graph.size).toBeGreaterThan(5);
  });

  it('has no folder-level loop', () => {
    const { graph } = folderGraph();
    // The shortest loop through each folder of each tangle, each loop once.
    const loops = new Map<string, string>();
    for (const component of loopsOf(graph)) {
      for (const folder of component) {
        const cycle = cycleThrough(graph, component, folder);
        const ring = cycle.slice(1);
        const key = ring.map((_, i) => [...ring.slice(i), ...ring.slice(0, i)].join('>')).sort()[0];
        if (!loops.has(key)) loops.set(key, describeLoop(graph, cycle));
      }
    }
    expect([...loops.values()].join('\n\n'), 'folders of src/ that import each other round a loop').toBe('');
  });

  it('keeps src/diffusion free of the classifiers, the latent model, training, evaluation and the lab', () => {
    const { graph } = folderGraph();
    // Classifier guidance and the pipelines are typed against structural interfaces instead.
    const above = ['classifier', 'cli', 'components', 'eval', 'lab', 'latent', 'site', 'training'];
    const reached = [...(graph.get('diffusion') ?? new Map<string, ImportSite[]>())]
      .filter(([to]) => above.includes(to))
      .map(([to, sites]) => `diffusion -> ${to}: ${sites[0].file} -> '${sites[0].specifier}'`);
    expect(reached).toEqual([]);
  });
});
