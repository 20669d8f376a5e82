/**
 * The npm package `diffusion-lab`, packed and installed as a consumer would. The package folder
 * is laid out as `npm run build` leaves the project (the kit of embed-fixture.ts in
 * dist/widgets/, the library and custom-elements.json written by src/site/build/package-files.ts)
 * beside the real package.json and README.md, and packed with `npm pack` (its build scripts
 * skipped: the kit is already built). Checks: the tarball's files; `npm install --offline` of the
 * tarball into a fresh folder runs no build script; Node imports DDIMScheduler by the package
 * name and one step matches the sources' own; `tsc --noEmit` type-checks a TypeScript consumer
 * (with a deliberate type error it must report); Chromium loads the forward widget from the
 * installed package's dist/widgets/, and every element of custom-elements.json is the kit's
 * export with the attributes the manifest lists.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { KIT_MODULE_PATH } from '../../src/components/base/kit-version';
import { DDIMScheduler } from '../../src/diffusion';
import { PACKAGE_PATHS, writePackageFiles } from '../../src/site/build/package-files';
import { buildKit, recordEvents } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, type LaunchedBrowser } from './harness';

const run = promisify(execFile);

declare const window: Window & { widgetEvents: Array<{ type: string; detail: unknown }> };

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: Array<{ path: string; size: number }>;
}

let work: string;
let pack: PackResult;
let tarball: string;
let consumer: string;
let installed: string;

beforeAll(async () => {
  const started = performance.now();
  const kit = await buildKit();
  work = await mkdtemp(join(tmpdir(), 'diffusion-lab-package-'));
  const stage = join(work, 'package');
  await mkdir(join(stage, 'dist'), { recursive: true });
  for (const file of ['package.json', 'README.md']) await cp(join(repoRoot, file), join(stage, file));
  await cp(kit.dir, join(stage, PACKAGE_PATHS.widgets), { recursive: true, dereference: true });
  await writePackageFiles(repoRoot, stage);
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: stage });
  [pack] = JSON.parse(stdout) as PackResult[];
  tarball = join(work, pack.filename);
  console.log(
    `kit ${kit.built ? 'built' : 'reused'}; packed ${pack.filename}: ${(pack.size / 1024 / 1024).toFixed(2)} MiB, ` +
      `${pack.entryCount} files, ${(pack.unpackedSize / 1024 / 1024).toFixed(2)} MiB unpacked (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  // A consumer's own project: the package from the tarball, offline; tfjs, the library's peer,
  // as the consumer would have installed it (linked from this project's node_modules).
  consumer = join(work, 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: consumer });
  await mkdir(join(consumer, 'node_modules', '@tensorflow'));
  await symlink(await realpath(join(repoRoot, 'node_modules', '@tensorflow', 'tfjs')), join(consumer, 'node_modules', '@tensorflow', 'tfjs'), 'dir');
  installed = join(consumer, 'node_modules', 'diffusion-lab');
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('packs the kit, the library with its types, custom-elements.json and the README, and nothing else', () => {
    const paths = pack.files.map((f) => f.path);
    expect(pack.filename).toBe('diffusion-lab-0.2.0.tgz');
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/custom-elements.json', 'dist/widgets/diffusion-lab.js']));
    // The path the Embed button's CDN snippet names.
    expect(paths).toContain(KIT_MODULE_PATH);
    expect(PACKAGE_PATHS.kitModule).toBe(KIT_MODULE_PATH);
    // The kit: its chunks, the lab's worker and replicas, the three .wasm files, the assets.
    for (const pattern of [/^dist\/widgets\/index-[\w-]+\.js$/, /^dist\/widgets\/toy-diffusion-[\w-]+\.js$/, /^dist\/widgets\/lab-worker-[\w-]+\.js$/, /^dist\/widgets\/replica-worker-[\w-]+\.js$/]) {
      expect(paths.some((p) => pattern.test(p))).toBe(true);
    }
    expect(paths.filter((p) => /^dist\/widgets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(p))).toHaveLength(3);
    expect(paths).toEqual(expect.arrayContaining(['dist/widgets/assets/mnist/index.json', 'dist/widgets/assets/checkpoints/mnist-small/model.json']));
    // The library: ES modules with declarations, the scheduler among them.
    expect(paths).toEqual(expect.arrayContaining(['dist/lib/diffusion/index.js', 'dist/lib/diffusion/index.d.ts', 'dist/lib/diffusion/ddim.js', 'dist/lib/diffusion/ddim.d.ts']));
    // Only what `files` names: no sources, tests or the build's own manifest.
    expect(paths.filter((p) => !/^(package\.json|README\.md|dist\/(widgets|lib)\/.+|dist\/custom-elements\.json)$/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.includes('/.vite/'))).toEqual([]);
  });

  it('installs without running any of the project’s build scripts', async () => {
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; dependencies?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall'].includes(s))).toEqual([]);
    // Nothing to download for the kit: the bundle is self-contained.
    expect(manifest.dependencies ?? {}).toEqual({});
    const lock = JSON.parse(await readFile(join(consumer, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    expect(Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'))).toEqual(['node_modules/diffusion-lab']);
    expect(lock.packages['node_modules/diffusion-lab'].hasInstallScript).toBeUndefined();
  });

  it('imports DDIMScheduler by the package name in Node, and one step matches the sources’', async () => {
    const x = [0.1, -0.2, 0.3, 0.5];
    const eps = [0.05, 0.1, -0.15, 0.2];
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { DDIMScheduler } from 'diffusion-lab';
      const scheduler = new DDIMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
      scheduler.setTimesteps(10);
      const t = scheduler.timesteps[0];
      const { prevSample } = scheduler.step(tf.tensor(${JSON.stringify(eps)}), t, tf.tensor(${JSON.stringify(x)}));
      console.log('RESULT ' + JSON.stringify({ t, steps: scheduler.timesteps.length, prev: Array.from(prevSample.dataSync()) }));
    `;
    await writeFile(join(consumer, 'step.mjs'), script);
    const { stdout } = await run(process.execPath, ['step.mjs'], { cwd: consumer });
    const result = JSON.parse(stdout.split('\n').find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length)) as { t: number; steps: number; prev: number[] };

    const own = new DDIMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
    own.setTimesteps(10);
    const expected = tf.tidy(() => Array.from(own.step(tf.tensor(eps), own.timesteps[0], tf.tensor(x)).prevSample.dataSync()));
    expect(result.t).toBe(own.timesteps[0]);
    expect(result.steps).toBe(10);
    expect(result.prev).toHaveLength(4);
    result.prev.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // A real step: x_t moved.
    expect(result.prev).not.toEqual(x);
  });

  it('type-checks a TypeScript consumer against the package’s declarations', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: true },
        files: ['consumer.ts'],
      }),
    );
    const consumerTs = (extra: string): string => `
      import * as tf from '@tensorflow/tfjs';
      import { DDIMScheduler, scheduleCurves, type DDIMConfig, type StepResult } from 'diffusion-lab';
      const scheduler = new DDIMScheduler({ numTrainTimesteps: 1000, betaSchedule: 'linear' });
      scheduler.setTimesteps(25);
      const config: DDIMConfig = scheduler.config;
      const steps: Int32Array = scheduler.timesteps;
      const result: StepResult = scheduler.step(tf.zeros([1, 4]), steps[0], tf.ones([1, 4]));
      const curves = scheduleCurves({ betaSchedule: 'squaredcos_cap_v2' });
      export const used = [config.numTrainTimesteps, result.prevSample.shape, curves.alphasCumprod.length];
      ${extra}
    `;
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await writeFile(join(consumer, 'consumer.ts'), consumerTs(''));
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer });
    // The declarations are real types, not `any`: a wrong argument is reported.
    await writeFile(join(consumer, 'consumer.ts'), consumerTs("scheduler.setTimesteps('ten');"));
    const failed = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toMatch(/consumer\.ts\(\d+,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/);
  });

  describe('in Chromium, from the installed package', () => {
    let server: StaticServer;
    let browser: LaunchedBrowser;

    beforeAll(async () => {
      const page = join(work, 'site');
      await mkdir(page);
      await writeFile(
        join(page, 'index.html'),
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Diffusion Lab from the npm package</title>
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <script type="module" src="/node_modules/diffusion-lab/dist/widgets/diffusion-lab.js"></script>
  </head>
  <body>
    <main><diffusion-forward t="250"></diffusion-forward></main>
  </body>
</html>
`,
      );
      await cp(join(repoRoot, 'examples', 'favicon.svg'), join(page, 'favicon.svg'));
      server = await startStaticServer({ mounts: { '/node_modules/diffusion-lab/': installed, '/': page } });
      browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
      await recordEvents(browser.context);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('renders the forward widget from dist/widgets/, and its elements are those custom-elements.json lists', async () => {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await page.goto(`${server.url}index.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-ready' || e.type === 'diffusion-error'), null, { timeout: 60_000 });
      expect(await page.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
      const greys = await page.evaluate(() => {
        const canvas = document.querySelector('diffusion-forward')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.xt')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const levels = new Set<number>();
        for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
        return levels.size;
      });
      expect(greys).toBeGreaterThan(10);
      expect(server.requests).toContain('/node_modules/diffusion-lab/dist/widgets/assets/mnist/index.json');
      expect(server.missing).toEqual([]);

      // Every declaration of the installed manifest: the kit exports the class under its name,
      // the tag is defined as that class, and it observes every attribute the manifest lists.
      const manifest = JSON.parse(await readFile(join(installed, PACKAGE_PATHS.manifest), 'utf8')) as {
        modules: Array<{ path: string; declarations: Array<{ name: string; tagName: string; attributes: Array<{ name: string }> }> }>;
      };
      const [module] = manifest.modules;
      expect(module.path).toBe(PACKAGE_PATHS.kitModule);
      const declared = module.declarations.map((d) => ({ name: d.name, tag: d.tagName, attributes: d.attributes.map((a) => a.name) }));
      const moduleUrl = JSON.stringify(`${server.url}node_modules/diffusion-lab/${module.path}`);
      // Passed as a string: the test runner would rewrite a dynamic import() inside a function.
      const checked = (await page.evaluate(`import(${moduleUrl}).then((m) => ${JSON.stringify(declared)}.map((d) => {
        const cls = customElements.get(d.tag);
        const observed = cls ? cls.observedAttributes : [];
        return { name: d.name, exported: !!cls && m[d.name] === cls, unobserved: d.attributes.filter((a) => !observed.includes(a)) };
      }))`)) as Array<{ name: string; exported: boolean; unobserved: string[] }>;
      expect(checked).toHaveLength(9);
      expect(checked).toEqual(declared.map((d) => ({ name: d.name, exported: true, unobserved: [] })));
      await screenshot(page, 'package-forward');
      expect(errors).toEqual([]);
      await page.close();
    });
  });
});
