/**
 * Drawing <diffusion-forward>'s figures from a computed view: x_0, the noise and x_t as enlarged
 * 28×28 images, and the histogram of x_t's pixels with the N(0, 1) density over it.
 */
import { histogram } from '../../charts/histogram';
import { imageGrid } from '../../charts/image-grid';
import { standardNormalPdf } from '../../diffusion/forward-math';
import { formatStat, subscript } from '../base/format';
import type { ForwardView } from './chain';

const HISTOGRAM_DOMAIN: [number, number] = [-4, 4];

/** x with the timestep as a subscript, for SVG text: x₂₅₀. */
const xSub = (t: number): string => subscript('x', t);

/** Where the figures go; a missing one is skipped. */
export interface ForwardFigures {
  x0?: HTMLCanvasElement;
  noise?: HTMLCanvasElement;
  xt?: HTMLCanvasElement;
  histogram?: SVGSVGElement;
}

export interface ForwardCaptions {
  /** The timestep shown, diffusers' 0…T − 1. */
  t: number;
  iterative: boolean;
  /** What x_0 is, e.g. "MNIST test #0, a 7". */
  digitName: string;
}

export function drawForwardFigures(figures: ForwardFigures, view: ForwardView, { t, iterative, digitName }: ForwardCaptions): void {
  if (figures.x0) imageGrid(figures.x0, view.x0, 1, { scale: 5, gap: 0, label: `x₀: ${digitName}` });
  if (figures.noise) imageGrid(figures.noise, view.noise, 1, { scale: 5, gap: 0, label: 'The noise ε, standard normal pixels' });
  if (figures.xt) {
    imageGrid(figures.xt, view.shown, 1, { scale: 5, gap: 0, label: `x_t at t = ${t}, ${iterative ? 'step by step' : 'closed form'}` });
  }
  if (figures.histogram) {
    const s = view.shownStats;
    histogram(figures.histogram, view.shown, {
      bins: 48,
      domain: HISTOGRAM_DOMAIN,
      overlay: standardNormalPdf,
      valuesLabel: `pixels of ${xSub(t)}`,
      overlayLabel: 'N(0, 1) density',
      yMax: 1.2,
      xLabel: 'pixel value',
      yLabel: 'density',
      title: `Pixel values of ${xSub(t)}`,
      description:
        `Histogram of the ${view.shown.length} pixel values of x_t at t = ${t} (mean ${formatStat(s.mean)}, ` +
        `standard deviation ${formatStat(s.std)}), with the standard normal density drawn over it. ` +
        'As t grows the histogram turns into that bell curve.',
      width: 420,
      height: 280,
    });
  }
}
