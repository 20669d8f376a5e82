import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../../src/components/base/attributes';
import {
  DEFAULT_PANELS,
  describePanel,
  expectedNfe,
  formatPanel,
  formatPanels,
  guidanceScale,
  parsePanel,
  parsePanels,
  classifierGradients,
  guideOf,
  MAX_CLASSIFIER_SCALE,
  type PanelSpec,
} from '../../../src/components/sampler/panel-spec';
import { MAX_CLASSIFIER_SCALE as LAB_MAX_CLASSIFIER_SCALE } from '../../../src/lab/browser/classifier-guidance';

function message<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`);
  return result.message;
}

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('parsePanels', () => {
  it('reads the documented default: DDPM 100, DDIM 20 with η = 0, guided DDIM 20 with w = 2 for label 3', () => {
    expect(value(parsePanels(DEFAULT_PANELS))).toEqual<PanelSpec[]>([
      { sampler: 'ddpm', steps: 100, eta: 0, guidance: 0, label: null },
      { sampler: 'ddim', steps: 20, eta: 0, guidance: 0, label: null },
      { sampler: 'ddim', steps: 20, eta: 0, guidance: 2, label: 3 },
    ]);
  });

  it('uses the default for an absent or empty attribute', () => {
    expect(value(parsePanels(null))).toEqual(value(parsePanels(DEFAULT_PANELS)));
    expect(value(parsePanels('  '))).toHaveLength(3);
  });

  it('ignores spaces, takes options in any order and forgives a trailing ";"', () => {
    expect(value(parsePanels(' ddim : 50 : label=7 : eta = 0.5 ; '))).toEqual([{ sampler: 'ddim', steps: 50, eta: 0.5, guidance: 0, label: 7 }]);
    expect(value(parsePanels('ddpm:10:label=none'))).toEqual([{ sampler: 'ddpm', steps: 10, eta: 0, guidance: 0, label: null }]);
  });

  it('round-trips through the canonical text', () => {
    const specs = value(parsePanels('ddpm:100; ddim:20; ddim:20:w=2:label=3; ddim:7:eta=1:label=0'));
    const text = formatPanels(specs);
    expect(text).toBe('ddpm:100; ddim:20:eta=0; ddim:20:eta=0:w=2:label=3; ddim:7:eta=1:label=0');
    expect(value(parsePanels(text))).toEqual(specs);
  });

  it('names the panel, says what is wrong and shows the grammar', () => {
    const m = message(parsePanels('ddpm:100; euler:20'));
    expect(m).toContain('panels="ddpm:100; euler:20" is not valid: panel 2 ("euler:20")');
    expect(m).toContain('"euler" is not a sampler: use "ddpm" or "ddim"');
    expect(m).toContain("Diffusers' other schedulers (Euler, DPM-Solver++, PNDM, LMS) are not part of this course.");
    expect(m).toContain('e.g. "ddpm:100; ddim:20:eta=0; ddim:20:w=2:label=3"');
  });

  it('rejects bad steps, η, w and labels with their allowed ranges', () => {
    expect(message(parsePanels('ddim:0'))).toContain('steps "0" must be a whole number from 1 to 1000');
    expect(message(parsePanels('ddim:2.5'))).toContain('steps "2.5" must be a whole number from 1 to 1000');
    expect(message(parsePanels('ddim'))).toContain('gives no number of steps');
    expect(message(parsePanels('ddim:20:eta=2'))).toContain('eta "2" must be a number from 0 to 1');
    expect(message(parsePanels('ddim:20:w=-1:label=3'))).toContain('w "-1" must be a number from 0 to 20');
    expect(message(parsePanels('ddim:20:label=10'))).toContain('label "10" must be a digit from 0 to 9');
    expect(message(parsePanels('ddim:20:eta=0:eta=1'))).toContain('"eta" is given twice');
    expect(message(parsePanels('ddim:20:eta='))).toContain('write it like eta=0');
  });

  it('explains the rules that are easy to get wrong', () => {
    expect(message(parsePanels('ddpm:100:eta=0.5'))).toContain('eta is a DDIM setting');
    expect(message(parsePanels('ddim:20:w=2'))).toContain('w=2 needs a label');
    expect(message(parsePanels('DDIM:20'))).toContain('Names are case-sensitive: write "ddim"');
    const scale = message(parsePanels('ddim:20:guidance_scale=3:label=1'));
    expect(scale).toContain("diffusers' guidance_scale = 1 + w");
    expect(scale).toContain('guidance_scale 3 is w=2');
    expect(message(parsePanels('ddim:20:class=4'))).toContain('Did you mean "label=4"?');
  });

  it('allows at most four panels', () => {
    expect(message(parsePanels('ddim:1; ddim:2; ddim:3; ddim:4; ddim:5'))).toContain('at most 4 fit side by side');
    expect(value(parsePanels('ddim:1; ddim:2; ddim:3; ddim:4'))).toHaveLength(4);
  });

  it('rejects an empty panel between two others', () => {
    expect(message(parsePanels('ddim:10;;ddpm:10'))).toContain('panel 2 ("")');
  });
});

describe('panel descriptions', () => {
  const guided = value(parsePanel('ddim:20:w=2:label=3'));

  it('converts the paper weight w to diffusers guidance_scale = 1 + w', () => {
    expect(guidanceScale(0)).toBe(1);
    expect(guidanceScale(2)).toBe(3);
    expect(describePanel(guided)).toBe('DDIM · 20 steps · η = 0 · w = 2 (guidance_scale 3) · label 3');
    expect(describePanel(value(parsePanel('ddpm:100')))).toBe('DDPM · 100 steps · unconditional');
  });

  it('counts two network evaluations per guided step', () => {
    expect(expectedNfe(guided)).toBe(40);
    expect(expectedNfe(value(parsePanel('ddim:20:label=3')))).toBe(20);
    expect(formatPanel(value(parsePanel('ddpm:5')))).toBe('ddpm:5');
  });
});

describe('classifier-guided panels', () => {
  it('reads guide=classifier with a scale s, implies it from s alone, and defaults s to 1', () => {
    expect(value(parsePanel('ddim:20:guide=classifier:s=2:label=3'))).toEqual<PanelSpec>({
      sampler: 'ddim',
      steps: 20,
      eta: 0,
      guidance: 0,
      label: 3,
      classifierScale: 2,
    });
    expect(value(parsePanel('ddpm:50:s=0.5:label=7')).classifierScale).toBe(0.5);
    expect(value(parsePanel('ddim:20:guide=classifier:label=3')).classifierScale).toBe(1);
    expect(value(parsePanel('ddim:20:guide=classifier:s=0:label=3')).classifierScale).toBe(0);
    // guide=cfg is the default and leaves no classifier scale behind.
    expect(value(parsePanel('ddim:20:guide=cfg:w=2:label=3'))).toEqual(value(parsePanel('ddim:20:w=2:label=3')));
    expect(guideOf(value(parsePanel('ddim:20:w=2:label=3')))).toBe('cfg');
    expect(guideOf(value(parsePanel('ddim:20:s=3:label=3')))).toBe('classifier');
  });

  it('round-trips through the canonical text, next to a CFG panel on the same seed', () => {
    const specs = value(parsePanels('ddim:20:w=2:label=3; ddim:20:s=4:label=3; ddpm:10:guide=classifier:label=0'));
    const text = formatPanels(specs);
    expect(text).toBe('ddim:20:eta=0:w=2:label=3; ddim:20:eta=0:guide=classifier:s=4:label=3; ddpm:10:guide=classifier:s=1:label=0');
    expect(value(parsePanels(text))).toEqual(specs);
  });

  it('explains what does not fit: w with classifier guidance, s with guide=cfg, no label, bad values', () => {
    expect(message(parsePanels('ddim:20:guide=classifier:w=2:label=3'))).toContain('takes s=… instead');
    expect(message(parsePanels('ddim:20:guide=cfg:s=2:label=3'))).toContain('s=2 is the classifier guidance scale, but this panel says guide=cfg');
    expect(message(parsePanels('ddim:20:guide=classifier'))).toContain('classifier guidance needs a label');
    expect(message(parsePanels('ddim:20:s=101:label=3'))).toContain('s "101" must be a number from 0 to 100');
    expect(message(parsePanels('ddim:20:s=-1:label=3'))).toContain('s "-1" must be a number from 0 to 100');
    expect(message(parsePanels('ddim:20:guide=clf:label=3'))).toContain('guide "clf" must be "cfg" or "classifier"');
    expect(message(parsePanels('ddim:20:classifier_scale=2:label=3'))).toContain('Did you mean "s=2"?');
    expect(message(parsePanels('ddim:20:s=1:s=2:label=3'))).toContain('"s" is given twice');
  });

  it('costs one U-Net evaluation and one classifier gradient per step, and says so in its description', () => {
    const spec = value(parsePanel('ddim:20:s=2:label=3'));
    expect(expectedNfe(spec)).toBe(20);
    expect(classifierGradients(spec)).toBe(20);
    expect(classifierGradients(value(parsePanel('ddim:20:s=0:label=3')))).toBe(0);
    expect(classifierGradients(value(parsePanel('ddim:20:w=2:label=3')))).toBe(0);
    expect(describePanel(spec)).toBe('DDIM · 20 steps · η = 0 · classifier guidance s = 2 · label 3');
  });

  it('allows the same largest scale as the lab', () => {
    expect(MAX_CLASSIFIER_SCALE).toBe(LAB_MAX_CLASSIFIER_SCALE);
  });
});
