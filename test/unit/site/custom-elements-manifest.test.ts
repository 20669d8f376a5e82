/**
 * The package's custom-elements.json (src/site/build/custom-elements-manifest.ts): schema 2.1.0
 * shape, one custom-element class per widget with its tag, and attributes taken from the widgets'
 * settings tables (name, type, default, description), events and parts from the widgets' docs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { attributeDocs } from '../../../src/components/base/settings-table';
import { WIDGET_DOCS } from '../../../src/components/docs';
import { settingsTableFor, tagsWithSettings } from '../../../src/components/settings-registry';
import { classNameOf, customElementsManifest, propertyNames } from '../../../src/site/build/custom-elements-manifest';

const MODULE = 'dist/widgets/diffusion-lab.js';
const run = promisify(execFile);
const manifest = customElementsManifest(MODULE);
const [module] = manifest.modules;

describe('customElementsManifest', () => {
  it('is one JavaScript module, the kit, in schema 2.1.0', () => {
    expect(manifest.schemaVersion).toBe('2.1.0');
    expect(manifest.modules).toHaveLength(1);
    expect(module).toMatchObject({ kind: 'javascript-module', path: MODULE });
  });

  it('declares every documented widget as a custom element class', () => {
    expect(module.declarations.map((d) => d.tagName)).toEqual(WIDGET_DOCS.map((d) => d.tag));
    for (const d of module.declarations) {
      expect(d).toMatchObject({ kind: 'class', customElement: true, superclass: { name: 'LitElement', package: 'lit' } });
      expect(d.name).toBe(classNameOf(d.tagName));
    }
    expect(classNameOf('diffusion-vs-gan')).toBe('DiffusionVsGan');
    expect(classNameOf('diffusion-score-field')).toBe('DiffusionScoreField');
  });

  it('takes each attribute from the widget’s settings table: name, description, type and default', () => {
    const tags = tagsWithSettings();
    expect(tags.length).toBeGreaterThan(5);
    for (const tag of tags) {
      const declaration = module.declarations.find((d) => d.tagName === tag)!;
      const rows = attributeDocs(settingsTableFor(tag)!);
      expect(declaration.attributes).toEqual(
        rows.map((r) => ({ name: r.name, description: r.description, type: { text: r.type }, ...(r.default === '' ? {} : { default: r.default }) })),
      );
    }
    const forward = module.declarations.find((d) => d.tagName === 'diffusion-forward')!;
    expect(forward.attributes.find((a) => a.name === 't')).toMatchObject({ type: { text: expect.stringContaining('whole number') } });
  });

  it('lists the documented events, parts and custom properties', () => {
    const sampler = module.declarations.find((d) => d.tagName === 'diffusion-sampler')!;
    const doc = WIDGET_DOCS.find((d) => d.tag === 'diffusion-sampler')!;
    expect(sampler.events.map((e) => e.name)).toEqual(doc.events.map((e) => e.name));
    expect(sampler.events.every((e) => e.type.text === 'CustomEvent' && e.description.includes('event.detail'))).toBe(true);
    expect(sampler.cssParts.map((p) => p.name)).toEqual(doc.parts);
    // The docs' grouped row of the message banner's colours becomes three properties.
    expect(sampler.cssProperties.map((p) => p.name)).toEqual(
      expect.arrayContaining(['--dl-accent', '--dl-error-bg', '--dl-error-fg', '--dl-error-border', '--dl-series-1', '--dl-series-4']),
    );
    expect(sampler.cssProperties.every((p) => /^--dl-[a-z0-9-]+$/.test(p.name))).toBe(true);
  });

  it('reads single, listed and numbered-range property names', () => {
    expect(propertyNames('--dl-fg')).toEqual(['--dl-fg']);
    expect(propertyNames('--dl-error-bg, --dl-error-fg')).toEqual(['--dl-error-bg', '--dl-error-fg']);
    expect(propertyNames('--dl-series-1 … --dl-series-4')).toEqual(['--dl-series-1', '--dl-series-2', '--dl-series-3', '--dl-series-4']);
  });

  it('exports each class and defines each tag from the kit module', () => {
    expect(module.exports).toHaveLength(2 * WIDGET_DOCS.length);
    expect(module.exports).toContainEqual({ kind: 'js', name: 'DiffusionForward', declaration: { name: 'DiffusionForward', module: MODULE } });
    expect(module.exports).toContainEqual({ kind: 'custom-element-definition', name: 'diffusion-forward', declaration: { name: 'DiffusionForward', module: MODULE } });
  });

  it('loads in plain Node (tsx), as scripts/build-package.ts loads it: no import only a bundler resolves', async () => {
    // E.g. a worker's `?worker&url` reached through a settings table would fail here.
    const script = "const m = await import('./src/site/build/custom-elements-manifest.ts'); console.log(m.customElementsManifest('x.js').modules[0].declarations.length);";
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(Number(stdout.trim())).toBe(WIDGET_DOCS.length);
  });
});
