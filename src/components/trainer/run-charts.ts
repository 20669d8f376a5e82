/**
 * The pictures of <diffusion-trainer>: the loss curve (log scale, raw and smoothed) and the
 * preview grid of the run. Each is drawn again only when it changed, and the chart also when its
 * box changes width (a rotated phone, a resized window).
 */
import { imageGrid } from '../../charts/image-grid';
import { lineChart } from '../../charts/line-chart';
import { formatNumber } from '../base/format';
import type { LossHistory } from './loss-history';
import type { PreviewSamples } from './training-run';

export class RunCharts {
  private chartDirty = true;
  private gridDirty = true;
  private resizeObserver: ResizeObserver | null = null;

  /** `redraw` asks the widget for a draw (it batches them to one per frame). */
  constructor(private readonly redraw: () => void) {}

  chartChanged(): void {
    this.chartDirty = true;
  }

  gridChanged(): void {
    this.gridDirty = true;
  }

  /** Redraws the chart when `box` changes width. */
  observe(box: Element | null | undefined): void {
    if (!box || typeof ResizeObserver === 'undefined' || this.resizeObserver) return;
    let lastWidth = -1;
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.round(entries[0]?.contentRect.width ?? 0);
      if (Math.abs(width - lastWidth) < 8) return;
      lastWidth = width;
      this.chartDirty = true;
      this.redraw();
    });
    this.resizeObserver.observe(box);
  }

  disconnect(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  /** Draws what changed; `totalSteps` is the end of the chart's step axis. */
  draw(svg: SVGSVGElement | undefined, canvas: HTMLCanvasElement | undefined, history: LossHistory, samples: PreviewSamples | null, totalSteps: number): void {
    if (this.chartDirty && svg) {
      this.chartDirty = false;
      drawLossChart(svg, history, totalSteps);
    }
    if (this.gridDirty && canvas && samples) {
      this.gridDirty = false;
      drawPreviewGrid(canvas, samples);
    }
  }
}

function drawLossChart(svg: SVGSVGElement, history: LossHistory, totalSteps: number): void {
  const { start, raw, smoothed } = history.series();
  // Drawn at about its shown size, so its text stays readable on a phone.
  const shownWidth = svg.parentElement?.clientWidth ?? 480;
  const width = Math.max(300, Math.min(560, Math.round(shownWidth) || 480));
  lineChart(svg, {
    series: [
      { name: 'loss per step', values: raw, color: 'color-mix(in srgb, var(--_series-1) 40%, transparent)', dash: '' },
      { name: 'smoothed', values: smoothed, color: 'var(--_series-2)', dash: '' },
    ],
    x: { label: 'training step', symbol: 'step', start, domain: [Math.min(start, 1), Math.max(totalSteps, start + 1)] },
    y: { label: 'MSE (log scale)', scale: 'log' },
    title: 'Training loss',
    description: describeLoss(history),
    legend: true,
    width,
    height: width < 420 ? 240 : 260,
  });
}

function drawPreviewGrid(canvas: HTMLCanvasElement, s: PreviewSamples): void {
  imageGrid(canvas, s.images, s.count, {
    cols: 5,
    scale: 2,
    gap: 4,
    label: `Samples of the model at step ${s.step}, one per digit 0 to ${Math.min(9, s.count - 1)}, drawn with 20 DDIM steps`,
  });
}

/** The chart's text alternative. */
export function describeLoss(history: LossHistory): string {
  const first = history.firstStep;
  const last = history.lastStep;
  if (first === null || last === null) return 'No loss yet: the curve appears once training starts.';
  return (
    `Loss per training step on a log scale, from ${formatNumber(history.at(first))} at step ${first} ` +
    `to ${formatNumber(history.at(last))} at step ${last}; smoothed, ${formatNumber(history.smoothedLoss)}.`
  );
}
