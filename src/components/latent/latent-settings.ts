/**
 * Settings and pure helpers of <diffusion-latent> and <diffusion-bias>: attribute parsers with
 * readable messages, the labels of a run, the latent mosaic for display and the comparison rows.
 * No tfjs, no DOM: unit-tested in Node.
 */
import type { ParseResult, RawAttr } from '../base/attributes';

export const MAX_LATENT_WIDGET_COUNT = 32;
export const MAX_LATENT_WIDGET_STEPS = 200;
export const MAX_LATENT_GUIDANCE = 10;
export const MAX_BIAS_COUNT = 400;

export const LATENT_DEFAULTS: Readonly<{ count: number; steps: number; guidance: number; label: LabelChoice; seed: number }> = Object.freeze({
  count: 8,
  steps: 20,
  guidance: 1,
  label: 'cycle',
  seed: 0,
});
export const BIAS_DEFAULTS: Readonly<{ count: number; steps: number; seed: number }> = Object.freeze({ count: 100, steps: 20, seed: 0 });

/** A digit for every image, "cycle" (0, 1, …, 9, 0, …) or "none" (unconditional). */
export type LabelChoice = number | 'cycle' | 'none';

export function parseLabelChoice(raw: RawAttr): ParseResult<LabelChoice> {
  if (raw === null || raw === undefined || String(raw).trim() === '') return { ok: true, value: LATENT_DEFAULTS.label };
  const text = String(raw).trim().toLowerCase();
  if (text === 'cycle' || text === 'none') return { ok: true, value: text };
  if (/^\d$/.test(text)) return { ok: true, value: Number(text) };
  return {
    ok: false,
    message: `label="${String(raw)}" is not valid: use a digit 0 … 9, "cycle" (0, 1, …, 9 in turn) or "none" (no label, unconditional samples).`,
  };
}

/** One label per image for a run, or null for unconditional samples. */
export function labelsFor(choice: LabelChoice, count: number): number[] | null {
  if (choice === 'none') return null;
  return Array.from({ length: count }, (_, i) => (choice === 'cycle' ? i % 10 : choice));
}

/**
 * The c channels of each h×w latent tiled into one square grey image per latent (channels in
 * reading order, ⌈√c⌉ per row, gaps left at −1), values divided by `spread` and clipped to
 * [−1, 1] for drawing. Returns the images and their side.
 */
export function latentMosaic(latents: Float32Array, count: number, shape: readonly [number, number, number], spread = 2.5): { images: Float32Array; side: number } {
  const [h, w, c] = shape;
  if (h !== w) throw new RangeError(`latentMosaic expects square latents, got ${h}×${w}`);
  if (latents.length !== count * h * w * c) throw new RangeError(`latentMosaic: ${count} latents of ${h}×${w}×${c} need ${count * h * w * c} values, got ${latents.length}`);
  const tiles = Math.ceil(Math.sqrt(c));
  const side = tiles * h;
  const images = new Float32Array(count * side * side).fill(-1);
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < c; ch++) {
      const ox = (ch % tiles) * w;
      const oy = Math.floor(ch / tiles) * h;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = latents[((n * h + y) * w + x) * c + ch] / spread;
          images[n * side * side + (oy + y) * side + ox + x] = v > 1 ? 1 : v < -1 ? -1 : v;
        }
      }
    }
  }
  return { images, side };
}

/** Shares (summing to 1) of counts; all zeros stays all zeros. */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** Counts per class 0..k−1 of predicted labels. */
export function countClasses(labels: ArrayLike<number>, k = 10): number[] {
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < k) out[labels[i]]++;
  return out;
}

/**
 * The heavy classes of a training distribution: those with more than the mean share. For the
 * shipped skewed model (digits 0–4 kept whole, 5–9 at a fifth) that is 0–4.
 */
export function heavyClasses(trainingCounts: readonly number[]): number[] {
  const s = shares(trainingCounts);
  const mean = 1 / Math.max(1, s.length);
  return s.flatMap((v, i) => (v > mean ? [i] : []));
}

/** Share of the total held by the given classes. */
export function shareOf(counts: readonly number[], classes: readonly number[]): number {
  const s = shares(counts);
  return classes.reduce((a, c) => a + (s[c] ?? 0), 0);
}

/** "0–4", "0, 3 and 7". */
export function describeClasses(classes: readonly number[]): string {
  if (classes.length === 0) return 'none';
  const consecutive = classes.every((c, i) => i === 0 || c === classes[i - 1] + 1);
  if (consecutive && classes.length > 2) return `${classes[0]}–${classes[classes.length - 1]}`;
  return classes.length === 1 ? String(classes[0]) : `${classes.slice(0, -1).join(', ')} and ${classes[classes.length - 1]}`;
}

/** FLOPs as prose: "28.1 M", "1.12 G". */
export function formatFlops(flops: number): string {
  if (flops >= 1e9) return `${Number((flops / 1e9).toPrecision(3))} G`;
  if (flops >= 1e6) return `${Number((flops / 1e6).toPrecision(3))} M`;
  if (flops >= 1e3) return `${Number((flops / 1e3).toPrecision(3))} k`;
  return String(Math.round(flops));
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(share >= 0.995 || share < 0.1 ? 1 : 0)} %`;
}
