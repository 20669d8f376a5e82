/**
 * Paired bars per digit: the share of each class in a training set (outlined) against its share in
 * a set of samples (filled), as an SVG template. Plain SVG through lit (no d3 needed for ten bars);
 * the chart is one image with a text summary for screen readers, the numbers are in a table
 * beside it.
 */
import { svg, type TemplateResult } from 'lit';
import { shares } from './class-shares';

export interface ClassBarsOptions {
  training: readonly number[];
  /** Sample counts per class, or null when there are none yet. */
  samples: readonly number[] | null;
  label: string;
}

const W = 520;
const H = 220;
const PAD = { top: 14, right: 8, bottom: 34, left: 40 };

export function classBars({ training, samples, label }: ClassBarsOptions): TemplateResult {
  const t = shares(training);
  const s = samples ? shares(samples) : null;
  const top = Math.max(0.05, ...t, ...(s ?? []));
  const yMax = Math.ceil(top * 10 + 0.2) / 10;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / t.length;
  const barW = slot * 0.36;
  const y = (v: number) => PAD.top + innerH * (1 - v / yMax);
  const ticks = Array.from({ length: Math.round(yMax * 10) + 1 }, (_, i) => i / 10).filter((v, i, all) => all.length <= 6 || i % 2 === 0);
  return svg`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} class="class-bars">
    ${ticks.map(
      (v) => svg`<g class="chart-axis"><line x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)} stroke-opacity="0.5"></line>
        <text x=${PAD.left - 6} y=${y(v) + 4} text-anchor="end" font-size="11">${Math.round(v * 100)} %</text></g>`,
    )}
    ${t.map((share, i) => {
      const x = PAD.left + i * slot + slot / 2;
      return svg`<g class="digit-bars" data-digit=${i}>
        <rect class="bar-training" x=${x - barW - 1} y=${y(share)} width=${barW} height=${Math.max(0, y(0) - y(share))}></rect>
        ${s ? svg`<rect class="bar-samples" x=${x + 1} y=${y(s[i])} width=${barW} height=${Math.max(0, y(0) - y(s[i]))}></rect>` : null}
        <text class="chart-label" x=${x} y=${H - PAD.bottom + 16} text-anchor="middle" font-size="12">${i}</text>
      </g>`;
    })}
    <text class="chart-label" x=${PAD.left + innerW / 2} y=${H - 4} text-anchor="middle" font-size="11">digit (training set: outlined · samples: filled)</text>
  </svg>`;
}
