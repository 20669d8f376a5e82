/**
 * The small VP-versus-VE chart of <diffusion-score-field>: signal scale α(t) and noise scale σ(t)
 * of both processes over t (log scale), with a cursor at the plot's noise level. Drawn with the
 * shared line chart; the curves come from src/toy2d/noising.ts.
 */
import { lineChart } from '../../charts/line-chart';
import { noiseProcess, type Noising } from '../../toy2d/noising';

/** Points per curve: t = i/100 for i = 1 … 100. */
const N = 100;

function curve(f: (t: number) => number): Float64Array {
  const out = new Float64Array(N + 1);
  out[0] = Number.NaN; // t = 0 has σ = 0 for VP: left as a gap on the log axis
  for (let i = 1; i <= N; i++) out[i] = f(i / N);
  return out;
}

const vp = noiseProcess('vp');
const ve = noiseProcess('ve');
const CURVES = {
  vpAlpha: curve(vp.alpha),
  vpSigma: curve(vp.sigma),
  veSigma: curve(ve.sigma),
};

/** Draws the chart; `active` is the process the model uses (its lines are solid and first in the legend). */
export function noisingChart(svg: SVGSVGElement, opts: { t: number; active: Noising; onT?: (t: number) => void }): void {
  const series = [
    { name: 'VP α(t)', values: CURVES.vpAlpha, color: 'var(--_series-1)', dash: opts.active === 'vp' ? '' : '5 3' },
    { name: 'VP σ(t)', values: CURVES.vpSigma, color: 'var(--_series-2)', dash: opts.active === 'vp' ? '' : '5 3' },
    { name: 'VE σ(t)', values: CURVES.veSigma, color: 'var(--_series-3)', dash: opts.active === 've' ? '' : '5 3' },
  ];
  lineChart(svg, {
    series,
    x: { label: '100·t', domain: [0, N], symbol: '100t' },
    y: { label: 'scale', scale: 'log', domain: [0.005, 6], format: (v) => v.toPrecision(3) },
    cursorX: Math.round(opts.t * N),
    onCursor: opts.onT ? (x) => opts.onT!(Math.max(1, Math.min(N, x)) / N) : undefined,
    cursorLabel: 'Noise level t on the VP and VE chart',
    title: 'How VP and VE noise the data',
    description:
      'Signal and noise scales over t on a log axis. VP (variance preserving, DDPM) shrinks the data by α(t) while the ' +
      'noise σ(t) = √(1 − α²) grows to 1, so the total variance stays 1. VE (variance exploding, NCSN) keeps the data ' +
      'and adds noise whose σ(t) grows geometrically from 0.01 to 5.',
    showTitle: true,
    width: 360,
    height: 230,
  });
}
