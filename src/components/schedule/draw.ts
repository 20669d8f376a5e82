/**
 * Drawing <diffusion-schedule>'s figures: β_t, ᾱ_t and log-SNR of each shown schedule on three
 * charts sharing a t cursor, and the same digit and ε noised at that t under each schedule
 * (Ho et al. 2020, eq. 4, through src/diffusion/forward-math.ts).
 */
import { imageGrid } from '../../charts/image-grid';
import { lineChart, type LineSeries } from '../../charts/line-chart';
import type { BetaSchedule } from '../../diffusion/config';
import type { ScheduleCurves } from '../../diffusion/curves';
import { noiseClosedForm } from '../../diffusion/forward-math';
import { formatNumber } from '../base/format';
import { LOOK } from './look';

export interface ScheduleScene {
  /** The schedules shown, in diffusers' order. */
  selected: readonly BetaSchedule[];
  curves: ReadonlyMap<BetaSchedule, ScheduleCurves>;
  numTrainTimesteps: number;
  /** The cursor, a diffusers timestep 0…T − 1. */
  t: number;
}

type Pick = (c: ScheduleCurves) => Float64Array;

function series(scene: ScheduleScene, pick: Pick): LineSeries[] {
  return scene.selected.flatMap((schedule) => {
    const c = scene.curves.get(schedule);
    const look = LOOK[schedule];
    return c ? [{ name: look.name, values: pick(c), color: look.color, dash: look.dash }] : [];
  });
}

function describe(scene: ScheduleScene, pick: Pick, what: string): string {
  const T = scene.numTrainTimesteps;
  const parts = scene.selected.map((schedule) => {
    const c = scene.curves.get(schedule);
    if (!c) return '';
    const v = pick(c);
    return `${LOOK[schedule].name} from ${formatNumber(v[0])} at t = 0 to ${formatNumber(v[T - 1])} at t = ${T - 1}`;
  });
  return `${what} over the timesteps 0 to ${T - 1}: ${parts.filter(Boolean).join('; ')}.`;
}

/** The β, ᾱ and log-SNR charts; `onCursor` gets the timestep the learner drags or keys to. */
export function drawScheduleCharts(svgs: readonly SVGSVGElement[], scene: ScheduleScene, onCursor: (t: number) => void): void {
  const [betaSvg, abarSvg, snrSvg] = svgs;
  const T = scene.numTrainTimesteps;
  const common = {
    x: { label: 't (diffusers timestep)', symbol: 't', domain: [0, Math.max(1, T - 1)] as [number, number] },
    cursorX: scene.t,
    onCursor,
    legend: false,
    width: 360,
    height: 250,
  };
  if (betaSvg) {
    lineChart(betaSvg, {
      ...common,
      series: series(scene, (c) => c.betas),
      y: { label: 'β (log scale)', scale: 'log' },
      title: 'βₜ, noise added per step',
      cursorLabel: 'Timestep t on the β chart',
      description: describe(scene, (c) => c.betas, 'β_t, the variance of the noise added at each step,'),
    });
  }
  if (abarSvg) {
    lineChart(abarSvg, {
      ...common,
      series: series(scene, (c) => c.alphasCumprod),
      y: { label: 'ᾱ', scale: 'linear', domain: [0, 1] },
      title: 'ᾱₜ, signal left',
      cursorLabel: 'Timestep t on the ᾱ chart',
      description: describe(scene, (c) => c.alphasCumprod, 'ᾱ_t, the share of the signal variance left in x_t,'),
    });
  }
  if (snrSvg) {
    lineChart(snrSvg, {
      ...common,
      series: series(scene, (c) => c.logSnr),
      y: { label: 'ln SNR', scale: 'linear' },
      title: 'log-SNR = ln(ᾱₜ / (1 − ᾱₜ))',
      cursorLabel: 'Timestep t on the log-SNR chart',
      description: describe(scene, (c) => c.logSnr, 'The log signal-to-noise ratio ln(ᾱ_t / (1 − ᾱ_t))'),
    });
  }
}

/**
 * x_0 on the canvas without a `data-schedule`, and on each other canvas x_t under its schedule:
 * √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with ᾱ_t = alphasCumprod[t], the same ε for all.
 */
export function drawScheduleDigits(
  canvases: readonly HTMLCanvasElement[],
  scene: ScheduleScene,
  x0: Float32Array,
  noise: Float32Array,
  digitName: string,
): void {
  for (const canvas of canvases) {
    const schedule = canvas.dataset.schedule as BetaSchedule | undefined;
    if (!schedule) {
      imageGrid(canvas, x0, 1, { scale: 4, gap: 0, label: `x₀: ${digitName}` });
      continue;
    }
    const c = scene.curves.get(schedule);
    if (!c) continue;
    const abar = c.alphasCumprod[scene.t];
    imageGrid(canvas, noiseClosedForm(x0, abar, noise), 1, {
      scale: 4,
      gap: 0,
      label: `The digit at t = ${scene.t} under the ${LOOK[schedule].name} schedule, ᾱ = ${formatNumber(abar)}`,
    });
  }
}
