/**
 * The share of a model's samples on each mode as a small bar chart (an SVG template for Lit): one
 * bar per mode, a dashed line at the fair share 1/k and a dotted one at the share a mode needs to
 * count as hit. Bars of hit modes are filled, missed modes are outlined.
 */
import { nothing, svg, type SVGTemplateResult } from 'lit';

export interface ShareBarsOptions {
  shares: readonly number[];
  hit: readonly boolean[];
  fairShare: number;
  hitShare: number;
  /** CSS colour of the bars. */
  color: string;
  width?: number;
  height?: number;
}

const MARGIN = { top: 8, right: 6, bottom: 18, left: 40 };

export function shareBars(opts: ShareBarsOptions): SVGTemplateResult {
  const width = opts.width ?? 300;
  const height = opts.height ?? 110;
  const k = opts.shares.length;
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  // Room for twice the fair share, more when one mode holds more, rounded up to a multiple of 5 %.
  const top = Math.min(1, Math.ceil((Math.max(2 * opts.fairShare, ...opts.shares) - 1e-9) / 0.05) * 0.05);
  const y = (share: number): number => MARGIN.top + innerH * (1 - Math.min(share, top) / top);
  const slot = innerW / Math.max(1, k);
  const barW = Math.max(2, slot * 0.7);
  // Whole percents, or one decimal where that is not exact (the fair share of 8 modes is 12.5%).
  const percent = (share: number): string => {
    const p = share * 100;
    return `${Math.abs(p - Math.round(p)) < 0.05 ? Math.round(p) : p.toFixed(1)}%`;
  };
  return svg`
    <g class="share-axis chart-axis">
      <line x1=${MARGIN.left} x2=${MARGIN.left} y1=${MARGIN.top} y2=${MARGIN.top + innerH}></line>
      <line x1=${MARGIN.left} x2=${MARGIN.left + innerW} y1=${MARGIN.top + innerH} y2=${MARGIN.top + innerH}></line>
      <text x=${MARGIN.left - 4} y=${y(0) + 4} text-anchor="end" font-size="10">0</text>
      <text x=${MARGIN.left - 4} y=${y(opts.fairShare) + 4} text-anchor="end" font-size="10">${percent(opts.fairShare)}</text>
      ${y(opts.fairShare) - y(top) > 14
        ? svg`<text x=${MARGIN.left - 4} y=${y(top) + 8} text-anchor="end" font-size="10">${percent(top)}</text>`
        : nothing}
    </g>
    ${opts.shares.map((share, m) => {
      const x = MARGIN.left + slot * m + (slot - barW) / 2;
      const hit = opts.hit[m] ?? false;
      return svg`<rect class=${hit ? 'share-bar hit' : 'share-bar missed'} data-mode=${m}
        x=${x} y=${y(share)} width=${barW} height=${Math.max(0, y(0) - y(share))}
        fill=${hit ? opts.color : 'none'} stroke=${opts.color} stroke-width="1.2"></rect>
        <text class="chart-label" x=${x + barW / 2} y=${height - 5} text-anchor="middle" font-size="10">${m + 1}</text>`;
    })}
    <line class="fair-share" x1=${MARGIN.left} x2=${MARGIN.left + innerW} y1=${y(opts.fairShare)} y2=${y(opts.fairShare)}
      stroke="currentColor" stroke-dasharray="5 3" opacity="0.7"></line>
    <line class="hit-share" x1=${MARGIN.left} x2=${MARGIN.left + innerW} y1=${y(opts.hitShare)} y2=${y(opts.hitShare)}
      stroke="currentColor" stroke-dasharray="1 3" opacity="0.7"></line>
  `;
}
