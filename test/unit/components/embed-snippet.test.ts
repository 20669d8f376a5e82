import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  currentSettings,
  elementHtml,
  escapeAttributeValue,
  iframeHeight,
  iframeHtml,
  IFRAME_MAX_HEIGHT,
  IFRAME_MIN_HEIGHT,
  kitSnippet,
  viewUrl,
} from '../../../src/components/base/embed-snippet';
import { KIT_PACKAGE, KIT_VERSION, kitModuleUrl } from '../../../src/components/base/kit-version';
import { boolSetting, textSetting, type SettingsTable } from '../../../src/components/base/settings-table';
import { FORWARD_SETTINGS } from '../../../src/components/forward/settings';
import { SAMPLER_SETTINGS } from '../../../src/components/sampler/settings';
import { SCHEDULE_SETTINGS } from '../../../src/components/schedule/settings';
import { settingsTableFor, tagsWithSettings } from '../../../src/components/settings-registry';

/** A reader over a plain attribute map, as an element's getAttribute would answer. */
function reader(attributes: Record<string, string>): (name: string) => string | null {
  return (name) => (Object.hasOwn(attributes, name) ? attributes[name] : null);
}

/** Reads the attributes of a snippet's element back, as the HTML parser would. */
function parseAttributes(elementText: string): Record<string, string> {
  const out: Record<string, string> = {};
  const open = elementText.slice(elementText.indexOf('<') + 1, elementText.indexOf('></'));
  for (const match of open.matchAll(/\s([a-z0-9-]+)(?:="([^"]*)")?/g)) {
    out[match[1]] = (match[2] ?? '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return out;
}

describe('embed snippet', () => {
  it('escapes ampersands, quotes and angle brackets in attribute values', () => {
    expect(escapeAttributeValue('a "b" & <c>')).toBe('a &quot;b&quot; &amp; &lt;c&gt;');
    // The ampersand goes first, so an escape is never escaped twice.
    expect(escapeAttributeValue('&quot;')).toBe('&amp;quot;');
    const table: SettingsTable = { note: textSetting('note', { default: 'x', doc: '' }) };
    const { text } = kitSnippet('diffusion-test', table, reader({ note: 'say "hi" & <go>' }), 'https://example.org/kit.js');
    expect(text).toBe('<script type="module" src="https://example.org/kit.js"></script>\n<diffusion-test note="say &quot;hi&quot; &amp; &lt;go&gt;"></diffusion-test>');
    expect(parseAttributes(text.split('\n')[1])).toEqual({ note: 'say "hi" & <go>' });
  });

  it('leaves out values equal to their defaults, however they are written', () => {
    const { attributes } = currentSettings(
      FORWARD_SETTINGS,
      reader({ t: '250', 'beta-schedule': 'linear', 'beta-start': '1e-4', 'num-train-timesteps': '1000', seed: '7', mode: 'iterative' }),
    );
    expect(attributes).toEqual([
      ['seed', '7'],
      ['mode', 'iterative'],
    ]);
    // A list default written with other spacing is still the default; another list is not.
    expect(currentSettings(SCHEDULE_SETTINGS, reader({ schedules: 'linear, scaled_linear,squaredcos_cap_v2 sigmoid' })).attributes).toEqual([]);
    expect(currentSettings(SCHEDULE_SETTINGS, reader({ schedules: 'linear' })).attributes).toEqual([['schedules', 'linear']]);
  });

  it('leaves out a row whose default is only written (the sampler’s panels) when it is that default', () => {
    const defaultPanels = SAMPLER_SETTINGS.panels.defaultText;
    expect(currentSettings(SAMPLER_SETTINGS, reader({ panels: defaultPanels, count: '4' })).attributes).toEqual([['count', '4']]);
    expect(currentSettings(SAMPLER_SETTINGS, reader({ panels: 'ddim:4:eta=0' })).attributes).toEqual([['panels', 'ddim:4:eta=0']]);
  });

  it('keeps settings in table order, and says which it left out and why', () => {
    const { attributes, leftOut } = currentSettings(FORWARD_SETTINGS, reader({ mode: 'iterative', t: '600', 'assets-base': '/assets/', 'digit-index': 'seven' }));
    expect(attributes).toEqual([
      ['t', '600'],
      ['mode', 'iterative'],
    ]);
    expect(leftOut.map((l) => [l.attribute, l.value])).toEqual([
      ['digit-index', 'seven'],
      ['assets-base', '/assets/'],
    ]);
    expect(leftOut[0].reason).toMatch(/does not accept/);
    expect(leftOut[1].reason).toMatch(/relative to this page/);
  });

  it('writes a boolean set by its name alone as the attribute alone', () => {
    const table: SettingsTable = { autoplay: boolSetting('autoplay', { default: false, doc: '' }) };
    expect(kitSnippet('diffusion-x', table, reader({ autoplay: '' }), 'k.js').text.split('\n')[1]).toBe('<diffusion-x autoplay></diffusion-x>');
    expect(kitSnippet('diffusion-x', table, reader({ autoplay: 'false' }), 'k.js').text.split('\n')[1]).toBe('<diffusion-x></diffusion-x>');
  });

  it('puts one attribute per line when the element would be long', () => {
    const text = elementHtml('diffusion-sampler', [
      ['panels', 'ddpm:100;ddim:50:eta=0;ddim:50:w=2:label=3;ddim:50:guide=classifier:s=2:label=3'],
      ['count', '8'],
    ]);
    expect(text).toBe('<diffusion-sampler\n  panels="ddpm:100;ddim:50:eta=0;ddim:50:w=2:label=3;ddim:50:guide=classifier:s=2:label=3"\n  count="8"\n></diffusion-sampler>');
  });

  it('covers every widget tag of the registry: its current settings survive the round trip through the snippet', () => {
    expect(tagsWithSettings()).toHaveLength(9);
    for (const tag of tagsWithSettings()) {
      const table = settingsTableFor(tag)!;
      // Every row set to a value other than its default, where the row has one we can write.
      const given: Record<string, string> = {};
      for (const row of Object.values(table)) {
        const candidates = ['1', '2', '3', '0.5', 'true', 'false', 'none', 'cycle', 'iterative', 'linear', 'webgl', 'trained', 'ddim:4', 'moons'];
        const other = candidates.find((c) => {
          const parsed = row.parse(c);
          return parsed.ok && JSON.stringify(parsed.value) !== JSON.stringify(row.default ?? row.parse(row.defaultText).ok) && c !== row.defaultText;
        });
        if (other !== undefined) given[row.attribute] = other;
      }
      const { text, leftOut } = kitSnippet(tag, table, reader(given), kitModuleUrl());
      const [script, ...element] = text.split('\n');
      expect(script).toBe(`<script type="module" src="${kitModuleUrl()}"></script>`);
      const readBack = parseAttributes(element.join('\n'));
      const expected = Object.fromEntries(Object.entries(given).filter(([name]) => !leftOut.some((l) => l.attribute === name)));
      expect(readBack, tag).toEqual(expected);
      expect(Object.keys(readBack).length, `${tag} keeps most of its settings`).toBeGreaterThanOrEqual(2);
      expect(element.join('\n')).toMatch(new RegExp(`^<${tag}[\\s>][\\s\\S]*></${tag}>$`));
    }
  });

  it('pins the kit to the version in package.json, on a public CDN', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(KIT_PACKAGE).toBe(pkg.name);
    expect(KIT_VERSION).toBe(pkg.version);
    expect(kitModuleUrl()).toBe(`https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/dist/widgets/diffusion-lab.js`);
  });

  it('points the page address at the widget, keeping its settings and replacing any fragment', () => {
    expect(viewUrl('https://course.example/lessons/02.html?forward.t=600&forward.mode=iterative#top', 'forward')).toBe(
      'https://course.example/lessons/02.html?forward.t=600&forward.mode=iterative#forward',
    );
    expect(viewUrl('https://course.example/lessons/02.html', '')).toBe('https://course.example/lessons/02.html');
  });

  it('frames the page with a title, full width and a height near the widget’s', () => {
    expect(iframeHeight(500)).toBe(660);
    expect(iframeHeight(10)).toBe(IFRAME_MIN_HEIGHT);
    expect(iframeHeight(5000)).toBe(IFRAME_MAX_HEIGHT);
    expect(iframeHeight(Number.NaN)).toBe(IFRAME_MIN_HEIGHT);
    const html = iframeHtml('https://course.example/l.html?a.t=1&a.mode=x#a', 'Lesson 2: "The forward process"', 660);
    expect(html).toBe(
      '<iframe src="https://course.example/l.html?a.t=1&amp;a.mode=x#a" title="Lesson 2: &quot;The forward process&quot;" width="100%" height="660" style="border: 0; max-width: 100%;" loading="lazy"></iframe>',
    );
  });
});
