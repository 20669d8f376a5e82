/**
 * What <diffusion-vs-gan> draws from a run: the two scatter canvases (./scatter.ts) and, per model,
 * the modes hit over training and the smoothed losses (src/charts/line-chart.ts). DuelCharts keeps
 * the histories those charts show.
 */
import { lineChart } from '../../charts/line-chart';
import type { GaussianMixture2D } from '../../toy2d/datasets';
import type { DuelMeasurement, DuelStepLosses } from '../../toy2d/duel';
import { COVERAGE_DEFAULTS } from '../../toy2d/mode-coverage';
import { formatStat } from '../base/format';
import { LossHistory } from '../trainer/loss-history';
import { CoverageHistory } from './coverage-history';
import { drawScatter } from './scatter';

export type VsGanModel = 'gan' | 'diffusion';

export const MODEL_TITLES: Record<VsGanModel, string> = { gan: 'GAN', diffusion: 'Diffusion model' };
export const MODEL_COLORS: Record<VsGanModel, string> = { gan: 'var(--_series-2)', diffusion: 'var(--_series-1)' };
const MODEL_COLOR_VARS: Record<VsGanModel, string> = { gan: '--_series-2', diffusion: '--_series-1' };

/** Half the width of the square shown in the scatter plots, in data units. */
const EXTENT = 2.5;

/** What the charts show: the ring, the latest measurement and how far training has come. */
export interface DuelView {
  ring: GaussianMixture2D;
  latest: DuelMeasurement | null;
  /** Training steps both models have taken. */
  step: number;
  /** Training steps the run goes to (the x axis). */
  totalSteps: number;
}

export interface DuelChartSvgs {
  modes: Record<VsGanModel, SVGSVGElement | undefined>;
  ganLoss?: SVGSVGElement;
  diffusionLoss?: SVGSVGElement;
}

/** Draws each model's latest samples on its canvas (class `gan` or `diffusion`), in the page's colours. */
export function drawScatters(host: Element, canvases: Iterable<HTMLCanvasElement>, view: DuelView): void {
  const cssColor = (name: string, fallback: string): string => getComputedStyle(host).getPropertyValue(name).trim() || fallback;
  const colors = {
    background: cssColor('--_bg', '#ffffff'),
    grid: cssColor('--_border', '#d3d7e1'),
    mode: cssColor('--_fg', '#1a1c23'),
    offMode: cssColor('--_muted', '#50566a'),
  };
  for (const canvas of canvases) {
    const model: VsGanModel = canvas.classList.contains('gan') ? 'gan' : 'diffusion';
    const snap = view.latest?.[model] ?? null;
    drawScatter(canvas, {
      means: view.ring.means,
      modeRadius: COVERAGE_DEFAULTS.radiusInStd * view.ring.std,
      extent: EXTENT,
      points: snap?.points ?? null,
      assignment: snap?.assignment ?? null,
      hit: snap?.coverage.hit ?? null,
      colors: { ...colors, point: cssColor(MODEL_COLOR_VARS[model], model === 'gan' ? '#d55e00' : '#0072b2') },
    });
  }
}

export class DuelCharts {
  private readonly coverage: Record<VsGanModel, CoverageHistory> = { gan: new CoverageHistory(), diffusion: new CoverageHistory() };
  private readonly losses = { discriminator: new LossHistory(), generator: new LossHistory(), diffusion: new LossHistory() };
  /** The losses of the last step (NaN before the first). */
  lastLosses = { discriminator: Number.NaN, generator: Number.NaN, diffusion: Number.NaN };

  addStep(step: number, { gan, diffusion }: DuelStepLosses): void {
    this.losses.discriminator.add([[step, gan.discriminator]]);
    this.losses.generator.add([[step, gan.generator]]);
    this.losses.diffusion.add([[step, diffusion]]);
    this.lastLosses = { discriminator: gan.discriminator, generator: gan.generator, diffusion };
  }

  addMeasurement(m: DuelMeasurement): void {
    this.coverage.gan.add(m.step, m.gan.coverage.modesHit);
    this.coverage.diffusion.add(m.step, m.diffusion.coverage.modesHit);
  }

  clear(): void {
    this.coverage.gan.clear();
    this.coverage.diffusion.clear();
    for (const h of Object.values(this.losses)) h.clear();
    this.lastLosses = { discriminator: Number.NaN, generator: Number.NaN, diffusion: Number.NaN };
  }

  draw(svgs: DuelChartSvgs, view: DuelView): void {
    const k = view.ring.weights.length;
    const upTo = view.latest?.step ?? 0;
    const domain: [number, number] = [0, Math.max(view.totalSteps, 1)];
    for (const model of ['gan', 'diffusion'] as const) {
      const svg = svgs.modes[model];
      if (!svg) continue;
      const { start, values } = this.coverage[model].staircase(upTo);
      lineChart(svg, {
        series: [{ name: 'modes hit', values, color: MODEL_COLORS[model], dash: '' }],
        x: { label: 'training step', symbol: 'step', start, domain },
        y: { label: 'modes hit', scale: 'linear', domain: [0, k] },
        title: `${MODEL_TITLES[model]}: modes hit`,
        description: this.describeCoverage(model, view),
        showTitle: false,
        legend: false,
        width: 320,
        height: 150,
      });
    }
    if (svgs.ganLoss) {
      const d = this.losses.discriminator.series();
      const g = this.losses.generator.series();
      lineChart(svgs.ganLoss, {
        series: [
          { name: 'D loss', values: d.smoothed, color: 'var(--_series-4)', dash: '' },
          { name: 'G loss', values: g.smoothed, color: MODEL_COLORS.gan, dash: '6 3' },
        ],
        x: { label: 'training step', symbol: 'step', start: d.start, domain },
        y: { label: 'loss', scale: 'linear' },
        title: 'GAN losses',
        description: this.describeLosses('gan', view.step),
        showTitle: false,
        legend: true,
        width: 320,
        height: 170,
      });
    }
    if (svgs.diffusionLoss) {
      const s = this.losses.diffusion.series();
      lineChart(svgs.diffusionLoss, {
        series: [{ name: 'ε MSE', values: s.smoothed, color: MODEL_COLORS.diffusion, dash: '' }],
        x: { label: 'training step', symbol: 'step', start: s.start, domain },
        y: { label: 'loss', scale: 'linear' },
        title: 'Diffusion loss',
        description: this.describeLosses('diffusion', view.step),
        showTitle: false,
        legend: false,
        width: 320,
        height: 150,
      });
    }
  }

  private describeCoverage(model: VsGanModel, view: DuelView): string {
    if (this.coverage[model].length === 0) return 'Not measured yet.';
    const m = view.latest;
    return m ? `Latest, at step ${m.step}: ${m[model].coverage.modesHit} of ${view.ring.weights.length} modes hit.` : '';
  }

  private describeLosses(model: VsGanModel, step: number): string {
    const l = this.lastLosses;
    if (!Number.isFinite(l.diffusion)) return 'No training steps yet.';
    return model === 'gan'
      ? `At step ${step}: discriminator loss ${formatStat(l.discriminator)}, generator loss ${formatStat(l.generator)}.`
      : `At step ${step}: ${formatStat(l.diffusion)}.`;
  }
}
