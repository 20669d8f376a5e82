/**
 * The `panels` attribute of <diffusion-sampler>: one sampler setting per panel, in a compact form
 * a teacher can type into a page or a link.
 *
 *   panels  = panel *( ";" panel )            1 to 4 panels
 *   panel   = sampler ":" steps *( ":" option )
 *   sampler = "ddpm" | "ddim"
 *   steps   = whole number 1 … 1000           inference steps (diffusers' num_inference_steps)
 *   option  = "eta=" number 0 … 1             DDIM's η (Song et al. 2021, eq. 16); ddim only
 *           | "w=" number 0 … 20              guidance weight, paper convention (Ho & Salimans
 *                                             2022, eq. 6); diffusers' guidance_scale = 1 + w
 *           | "label=" digit 0 … 9 | "none"   the class to sample (none: unconditional)
 *           | "guide=" ("cfg" | "classifier")  what turns the label into guidance (default cfg)
 *           | "s=" number 0 … 100              classifier guidance scale (Dhariwal & Nichol
 *                                             2021, Algorithm 2); implies guide=classifier
 *
 * e.g. `ddpm:100; ddim:20:eta=0; ddim:20:w=2:label=3`. Spaces are ignored; each option at most
 * once, in any order. Guidance needs a label (it pushes towards a class). A classifier-guided
 * panel (`ddim:20:guide=classifier:s=2:label=3`) samples the unconditional model and steers it
 * with the noise-aware classifier's gradient, so it takes s and not w; without s, s = 1 (the
 * plain posterior p(x | y)).
 */
import { listAllowed, quoteAttr, type ParseResult, type RawAttr } from '../base/attributes';

export const SAMPLER_NAMES = ['ddpm', 'ddim'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface PanelSpec {
  sampler: SamplerName;
  steps: number;
  /** DDIM's η; always 0 for DDPM (which has no η). */
  eta: number;
  /** Guidance weight w ≥ 0 (0: none). */
  guidance: number;
  /** Class 0–9, or null for unconditional samples. */
  label: number | null;
  /**
   * Present only on classifier-guided panels: the scale s ≥ 0 of the classifier's gradient
   * (guidance is then 0 and label is set). Absent: the label drives classifier-free guidance.
   */
  classifierScale?: number;
}

export const GUIDE_KINDS = ['cfg', 'classifier'] as const;
export type GuideKind = (typeof GUIDE_KINDS)[number];
/** Largest classifier scale (the lab refuses more; past it the samples fall apart). */
export const MAX_CLASSIFIER_SCALE = 100;
/** The classifier scale of `guide=classifier` without `s=`: s = 1 samples the plain posterior. */
export const DEFAULT_CLASSIFIER_SCALE = 1;

/** Which guidance a panel uses. */
export function guideOf(p: PanelSpec): GuideKind {
  return p.classifierScale === undefined ? 'cfg' : 'classifier';
}

export const MAX_PANELS = 4;
export const MAX_PANEL_STEPS = 1000;
export const MAX_GUIDANCE = 20;
export const DEFAULT_PANELS = 'ddpm:100; ddim:20:eta=0; ddim:20:w=2:label=3';
export const PANELS_GRAMMAR = 'sampler:steps[:eta=η][:w=weight][:label=digit][:guide=classifier:s=scale], panels separated by ";"';

const OPTION_NAMES = ['eta', 'w', 'label', 'guide', 's'] as const;
type OptionName = (typeof OPTION_NAMES)[number];
const OPTION_EXAMPLES: Readonly<Record<OptionName, string>> = { eta: 'eta=0', w: 'w=2', label: 'label=3', guide: 'guide=classifier', s: 's=2' };

const OTHER_SAMPLERS = "diffusers' other schedulers (Euler, DPM-Solver++, PNDM, LMS) are not part of this course";
const SAMPLER_HINTS: Readonly<Record<string, string>> = Object.freeze({
  euler: OTHER_SAMPLERS,
  pndm: OTHER_SAMPLERS,
  dpm: OTHER_SAMPLERS,
  'dpm++': OTHER_SAMPLERS,
  lms: OTHER_SAMPLERS,
  guided: 'guidance is an option of either sampler: add ":w=2:label=3"',
  cfg: 'guidance is an option of either sampler: add ":w=2:label=3"',
});

const OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  'η': 'eta',
  guidance: 'w',
  guidance_scale: 'w',
  scale: 'w',
  cfg: 'w',
  weight: 'w',
  class: 'label',
  digit: 'label',
  classifier: 'guide',
  kind: 'guide',
  guidance_kind: 'guide',
  classifier_scale: 's',
  cg: 's',
  y: 'label',
  c: 'label',
});

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(message: string): ParseResult<T> => ({ ok: false, message });

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function number(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

function optionHint(name: string, value: string): string {
  const target = OPTION_HINTS[name] ?? OPTION_HINTS[name.toLowerCase()];
  if (target === 'w' && /guidance_scale|scale|cfg/i.test(name)) {
    const scale = number(value);
    const w = Number.isFinite(scale) ? ` (guidance_scale ${value} is w=${Number((scale - 1).toFixed(6))})` : '';
    return ` Write the guidance weight as w=… in the paper's convention; diffusers' guidance_scale = 1 + w${w}.`;
  }
  if (target) return ` Did you mean "${target}=${value}"?`;
  return '';
}

/** One panel, e.g. "ddim:20:w=2:label=3". Messages describe the panel text alone. */
export function parsePanel(text: string): ParseResult<PanelSpec> {
  const compact = text.replace(/\s+/g, '');
  if (compact === '') return fail('a panel is empty');
  const [samplerText, stepsText, ...options] = compact.split(':');
  const lower = samplerText.toLowerCase();
  if (!(SAMPLER_NAMES as readonly string[]).includes(samplerText)) {
    const hint = (SAMPLER_NAMES as readonly string[]).includes(lower)
      ? ` Names are case-sensitive: write "${lower}".`
      : SAMPLER_HINTS[lower]
        ? ` ${SAMPLER_HINTS[lower].charAt(0).toUpperCase()}${SAMPLER_HINTS[lower].slice(1)}.`
        : '';
    return fail(`"${samplerText}" is not a sampler: use ${listAllowed(SAMPLER_NAMES)}.${hint}`);
  }
  const sampler = samplerText as SamplerName;
  if (stepsText === undefined || stepsText === '') {
    return fail(`"${compact}" gives no number of steps: write "${sampler}:20" for 20 steps.`);
  }
  const steps = number(stepsText);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_PANEL_STEPS) {
    return fail(`steps "${stepsText}" must be a whole number from 1 to ${MAX_PANEL_STEPS}.`);
  }
  const spec: PanelSpec = { sampler, steps, eta: 0, guidance: 0, label: null };
  let guide: GuideKind | null = null;
  let scale: number | null = null;
  const seen = new Set<OptionName>();
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? '' : option.slice(eq + 1);
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      return fail(`"${option}" is not an option: use eta=…, w=…, label=…, guide=… or s=….${optionHint(name, value)}`);
    }
    const key = name as OptionName;
    if (seen.has(key)) return fail(`"${key}" is given twice in "${compact}".`);
    seen.add(key);
    if (value === '') return fail(`"${option}" has no value: write it like ${OPTION_EXAMPLES[key]}.`);
    if (key === 'eta') {
      if (sampler !== 'ddim') return fail(`eta is a DDIM setting (Song et al. 2021); DDPM's noise is fixed by its variance. Remove "${option}" or use ddim.`);
      const eta = number(value);
      if (!(eta >= 0 && eta <= 1)) return fail(`eta "${value}" must be a number from 0 to 1 (0: deterministic DDIM, 1: as noisy as DDPM).`);
      spec.eta = eta;
    } else if (key === 'w') {
      const w = number(value);
      if (!(w >= 0 && w <= MAX_GUIDANCE)) {
        return fail(`w "${value}" must be a number from 0 to ${MAX_GUIDANCE} (0: no guidance; diffusers' guidance_scale = 1 + w).`);
      }
      spec.guidance = w;
    } else if (key === 'guide') {
      if (!(GUIDE_KINDS as readonly string[]).includes(value)) {
        return fail(`guide "${value}" must be ${listAllowed(GUIDE_KINDS)} (classifier-free guidance, or a noise-aware classifier's gradient).`);
      }
      guide = value as GuideKind;
    } else if (key === 's') {
      const sValue = number(value);
      if (!(sValue >= 0 && sValue <= MAX_CLASSIFIER_SCALE)) {
        return fail(`s "${value}" must be a number from 0 to ${MAX_CLASSIFIER_SCALE} (the classifier guidance scale; 0: unguided).`);
      }
      scale = sValue;
    } else {
      if (value === 'none') {
        spec.label = null;
      } else {
        const label = number(value);
        if (!Number.isInteger(label) || label < 0 || label > 9) return fail(`label "${value}" must be a digit from 0 to 9, or "none".`);
        spec.label = label;
      }
    }
  }
  if (guide === 'cfg' && scale !== null) {
    return fail(`s=${formatNumber(scale)} is the classifier guidance scale, but this panel says guide=cfg: write guide=classifier, or use w=… for classifier-free guidance.`);
  }
  if (guide === 'classifier' || scale !== null) {
    if (spec.guidance > 0) {
      return fail(
        `w=${spec.guidance} is the classifier-free guidance weight; a classifier-guided panel samples the unconditional model and takes s=… instead. Remove w, or remove guide=classifier and s.`,
      );
    }
    if (spec.label === null) {
      return fail(`classifier guidance needs a label: the classifier's gradient pushes the samples towards a class. Add ":label=3" (any digit).`);
    }
    spec.classifierScale = scale ?? DEFAULT_CLASSIFIER_SCALE;
  }
  if (spec.guidance > 0 && spec.label === null) {
    return fail(`w=${spec.guidance} needs a label: guidance pushes the samples towards a class. Add ":label=3" (any digit), or set w=0.`);
  }
  return ok(spec);
}

/** The whole attribute: 1 to 4 panels separated by ";". */
export function parsePanels(raw: RawAttr): ParseResult<PanelSpec[]> {
  const text = raw === null || raw === undefined ? '' : String(raw);
  if (text.trim() === '') return parsePanels(DEFAULT_PANELS);
  const parts = text.split(';').map((p) => p.trim());
  // A trailing ";" is forgiven; an empty panel in the middle is not.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const example = ` Write ${PANELS_GRAMMAR}, e.g. "${DEFAULT_PANELS}".`;
  if (parts.length > MAX_PANELS) {
    return fail(`${quoteAttr('panels', raw)} is not valid: it has ${parts.length} panels, at most ${MAX_PANELS} fit side by side.`);
  }
  const panels: PanelSpec[] = [];
  for (let i = 0; i < parts.length; i++) {
    const parsed = parsePanel(parts[i]);
    if (!parsed.ok) {
      const which = parts.length > 1 ? `panel ${i + 1} ("${parts[i]}")` : `"${parts[i]}"`;
      return fail(`${quoteAttr('panels', raw)} is not valid: ${which}: ${parsed.message}${example}`);
    }
    panels.push(parsed.value);
  }
  return ok(panels);
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The canonical text of a panel: "ddpm:100", "ddim:20:eta=0", "ddim:20:eta=0:w=2:label=3". */
export function formatPanel(p: PanelSpec): string {
  const parts: string[] = [p.sampler, String(p.steps)];
  if (p.sampler === 'ddim') parts.push(`eta=${formatNumber(p.eta)}`);
  if (p.guidance > 0) parts.push(`w=${formatNumber(p.guidance)}`);
  if (p.classifierScale !== undefined) parts.push('guide=classifier', `s=${formatNumber(p.classifierScale)}`);
  if (p.label !== null) parts.push(`label=${p.label}`);
  return parts.join(':');
}

export function formatPanels(panels: readonly PanelSpec[]): string {
  return panels.map(formatPanel).join('; ');
}

/** diffusers' guidance_scale for a paper-convention weight w: ε̃ = ε(x) + s·(ε(x, c) − ε(x)) with s = 1 + w. */
export function guidanceScale(w: number): number {
  return 1 + w;
}

/**
 * U-Net evaluations per image a panel will cost: one per step, two per CFG-guided step. A
 * classifier-guided step costs one U-Net evaluation plus one classifier gradient (see
 * `classifierGradients`).
 */
export function expectedNfe(p: PanelSpec): number {
  return p.steps * (p.guidance > 0 && p.label !== null ? 2 : 1);
}

/** Classifier gradients per image a panel will cost: one per step when classifier-guided with s > 0. */
export function classifierGradients(p: PanelSpec): number {
  return p.classifierScale !== undefined && p.classifierScale > 0 ? p.steps : 0;
}

/** A heading for a panel: "DDIM · 20 steps · η = 0 · w = 2 (guidance_scale 3) · label 3". */
export function describePanel(p: PanelSpec): string {
  const parts = [p.sampler.toUpperCase(), `${p.steps} step${p.steps === 1 ? '' : 's'}`];
  if (p.sampler === 'ddim') parts.push(`η = ${formatNumber(p.eta)}`);
  if (p.guidance > 0) parts.push(`w = ${formatNumber(p.guidance)} (guidance_scale ${formatNumber(guidanceScale(p.guidance))})`);
  if (p.classifierScale !== undefined) parts.push(`classifier guidance s = ${formatNumber(p.classifierScale)}`);
  parts.push(p.label === null ? 'unconditional' : `label ${p.label}`);
  return parts.join(' · ');
}

/** The panels of the default attribute, parsed. */
export function defaultPanels(): PanelSpec[] {
  const parsed = parsePanels(DEFAULT_PANELS);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** A panel with another label; without a label there is nothing to guide towards. */
export function withLabel(spec: PanelSpec, label: number | null): PanelSpec {
  if (label !== null) return { ...spec, label };
  const { classifierScale: _dropped, ...rest } = spec;
  return { ...rest, label, guidance: 0 };
}

/** A panel switched to classifier-free guidance (keeps w) or to classifier guidance (w = 0, s = 1). */
export function withGuide(spec: PanelSpec, guide: GuideKind): PanelSpec {
  const { classifierScale, ...rest } = spec;
  if (guide === 'cfg') return rest;
  return { ...rest, guidance: 0, classifierScale: classifierScale ?? DEFAULT_CLASSIFIER_SCALE };
}
