import { settingAttributes } from '../../../src/components/settings-registry';
import { describe, expect, it } from 'vitest';
import {
  applyUrlState,
  changedSettings,
  classroomHideCss,
  isSettableAttribute,
  notASettingReason,
  parseUrlState,
  withWidgetSetting,
} from '../../../src/site/url-state';

/** Just enough of a page for applyUrlState: widgets with an id, found by id and by walking. */
function fakePage(widgets: Array<{ id: string; tag: string }>): { doc: Document; attributes: (id: string) => Record<string, string> } {
  const elements = widgets.map(({ id, tag }) => {
    const attributes: Record<string, string> = {};
    return {
      id,
      localName: tag,
      attributes,
      setAttribute: (name: string, value: string) => (attributes[name] = value),
      getAttribute: (name: string) => attributes[name] ?? null,
    };
  });
  const doc = {
    querySelectorAll: () => elements,
    getElementById: (id: string) => elements.find((element) => element.id === id) ?? null,
  } as unknown as Document;
  return { doc, attributes: (id) => elements.find((element) => element.id === id)!.attributes };
}

describe('URL state', () => {
  it('reads a setting alone, after others, or after a stray "&" the same way', () => {
    // A lesson links to "?forward.seed=7"; a reader who types "&forward.seed=7" after an existing
    // query, or after a bare "?", gets the same setting.
    for (const search of ['?forward.seed=7', '?forward.t=300&forward.seed=7', '?&forward.seed=7', 'forward.seed=7']) {
      const state = parseUrlState(search);
      expect(state.widgets.get('forward')?.get('seed'), search).toBe('7');
      expect(state.ignored, search).toEqual([]);
    }
  });

  it('reads <id>.<attribute> pairs per widget, in URL order', () => {
    const state = parseUrlState('?forward.t=500&schedule.schedules=linear,squaredcos_cap_v2&forward.mode=iterative');
    expect([...state.widgets.keys()]).toEqual(['forward', 'schedule']);
    expect([...state.widgets.get('forward')!]).toEqual([
      ['t', '500'],
      ['mode', 'iterative'],
    ]);
    expect(state.widgets.get('schedule')!.get('schedules')).toBe('linear,squaredcos_cap_v2');
    expect(state.classroom).toBeNull();
    expect(state.ignored).toEqual([]);
  });

  it('refuses attributes a link must not set, and says why', () => {
    const state = parseUrlState(
      '?forward.onclick=alert(1)&forward.style=x&forward.id=y&forward.assets-base=https://e.org/&forward.checkpoint-url=x&forward.src=x&Forward.t=1&forward.T=2&stray=1',
    );
    expect(state.widgets.size).toBe(0);
    expect(state.ignored).toHaveLength(9);
    expect(state.ignored.join('\n')).toContain('forward.onclick: "onclick" cannot be set from a link');
    expect(state.ignored.join('\n')).toContain('stray: not a widget setting');
    for (const name of ['onload', 'style', 'class', 'slot', 'assets-base', 'checkpoint-url', 'href', 'weights-path', 'classroom']) {
      expect(isSettableAttribute(name)).toBe(false);
    }
    for (const name of ['t', 'digit-index', 'beta-schedule', 'num-train-timesteps', 'seed', 'mode']) {
      expect(isSettableAttribute(name)).toBe(true);
    }
  });

  it('refuses overlong values', () => {
    expect(parseUrlState(`?forward.t=${'9'.repeat(201)}`).widgets.size).toBe(0);
    expect(parseUrlState(`?forward.t=${'9'.repeat(200)}`).widgets.size).toBe(1);
  });

  it('reads classroom mode: a whole-number seed and a list of part names', () => {
    const state = parseUrlState('?classroom=1&seed=42&hide=controls, pad,controls,bad;name');
    expect(state.classroom).toEqual({ seed: '42', hide: ['controls', 'pad'] });
    expect(state.ignored).toEqual(['hide: "bad;name" is not a part name']);
    expect(parseUrlState('?classroom&seed=-3').classroom).toEqual({ seed: null, hide: [] });
    expect(parseUrlState('?classroom=0&seed=7').classroom).toBeNull();
    expect(parseUrlState('?seed=7').classroom).toBeNull();
    expect(parseUrlState('?classroom=yes&seed=4294967296').classroom?.seed).toBeNull();
    expect(parseUrlState('?classroom=true&seed=0007').classroom?.seed).toBe('7');
  });

  it('builds the stylesheet that hides parts, and only for safe part names', () => {
    expect(classroomHideCss(['controls', 'pad'])).toBe(
      '[classroom-hide~="controls"]::part(controls) { display: none; }\n[classroom-hide~="pad"]::part(pad) { display: none; }',
    );
    expect(classroomHideCss(['x){}body{display:none'])).toBe('');
    expect(classroomHideCss(['model'], 'hide-parts')).toBe('[hide-parts~="model"]::part(model) { display: none; }');
  });

  it('writes one setting into a copy of the URL, keeping the rest', () => {
    const url = new URL('https://example.org/lessons/forward-process.html?classroom=1&forward.t=5#one-step');
    const next = withWidgetSetting(url, 'forward', 't', '321');
    expect(next.href).toBe('https://example.org/lessons/forward-process.html?classroom=1&forward.t=321#one-step');
    expect(url.searchParams.get('forward.t')).toBe('5');
    expect(parseUrlState(withWidgetSetting(url, 'schedule', 'schedules', 'linear,sigmoid').search).widgets.get('schedule')?.get('schedules')).toBe(
      'linear,sigmoid',
    );
  });

  it('reads change events in both the {name, value} and the {attribute: value} form', () => {
    expect(changedSettings({ name: 't', value: 600 })).toEqual([['t', '600']]);
    expect(changedSettings({ 'beta-schedule': 'linear', seed: 3 })).toEqual([
      ['beta-schedule', 'linear'],
      ['seed', '3'],
    ]);
    expect(changedSettings({ name: 'onclick', value: 'x' })).toEqual([]);
    expect(changedSettings({ name: 't', value: { nested: 1 } })).toEqual([]);
    expect(changedSettings(null)).toEqual([]);
    expect(changedSettings('t=5')).toEqual([]);
  });

  it('sets only the settings of a widget with a settings table, and says why it ignores the rest', () => {
    const { doc, attributes } = fakePage([
      { id: 'forward', tag: 'diffusion-forward' },
      { id: 'schedule', tag: 'diffusion-schedule' },
      { id: 'other', tag: 'diffusion-untabled' },
    ]);
    const state = parseUrlState(
      '?forward.t=600&forward.colour=red&forward.schedules=linear&schedule.schedules=linear&schedule.mode=iterative' +
        '&schedule.hide-parts=images&forward.t2=1&other.anything=1&missing.t=3',
    );
    const { applied, ignored } = applyUrlState(state, doc, settingAttributes);
    expect(applied).toEqual(['forward.t', 'schedule.schedules', 'schedule.hide-parts', 'other.anything']);
    expect(attributes('forward')).toEqual({ t: '600' });
    expect(attributes('schedule')).toEqual({ schedules: 'linear', 'hide-parts': 'images' });
    expect(attributes('other')).toEqual({ anything: '1' });
    expect(ignored).toEqual([
      'forward.colour: colour is not a setting of <diffusion-forward>; its settings are digit-index, t, num-train-timesteps, beta-schedule, beta-start, beta-end, seed, mode',
      'forward.schedules: schedules is not a setting of <diffusion-forward>; its settings are digit-index, t, num-train-timesteps, beta-schedule, beta-start, beta-end, seed, mode',
      'forward.t2: t2 is not a setting of <diffusion-forward>; its settings are digit-index, t, num-train-timesteps, beta-schedule, beta-start, beta-end, seed, mode',
      'schedule.mode: mode is not a setting of <diffusion-schedule>; its settings are schedules, num-train-timesteps, beta-start, beta-end, t, digit-index, seed',
      'missing.t: no widget with id "missing" on this page',
    ]);
  });

  it('leaves a bad value of a real setting to the widget, which shows its own message', () => {
    const { doc, attributes } = fakePage([{ id: 'forward', tag: 'diffusion-forward' }]);
    const { applied, ignored } = applyUrlState(parseUrlState('?forward.t=-5&forward.mode=steps'), doc, settingAttributes);
    expect(applied).toEqual(['forward.t', 'forward.mode']);
    expect(ignored).toEqual([]);
    expect(attributes('forward')).toEqual({ t: '-5', mode: 'steps' });
  });

  it('names what is wrong and what the widget takes', () => {
    expect(notASettingReason('diffusion-x', ['a', 'assets-base', 'b'], 'a')).toBeNull();
    expect(notASettingReason('diffusion-x', ['a'], 'hide-parts')).toBeNull();
    // A setting no link can set (a folder to load from) is not offered.
    expect(notASettingReason('diffusion-x', ['a', 'assets-base', 'b'], 'c')).toBe('c is not a setting of <diffusion-x>; its settings are a, b');
  });
});
