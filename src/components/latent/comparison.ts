/**
 * The rows of <diffusion-latent>'s comparison table, pixel space against latent space: sizes and
 * FLOPs from the layer shapes (via the lab's latentInfo), the wall times of the runs just made on
 * the reader's backend, and the quality figures stored with the checkpoints by the evaluation
 * tools. Pure: unit-tested in Node.
 */
import type { LatentInfo, QualityFigure } from '../../latent/latent-api';
import { formatFlops, formatMs, formatPercent } from './display';

export interface RunMeasure {
  wallMs: number;
  nfe: number;
  count: number;
  /** Latent runs: the decoder's share of wallMs. */
  decodeMs?: number;
}

export interface ComparisonRow {
  key: string;
  label: string;
  pixel: string;
  latent: string;
  /** How the latent figure compares, e.g. "2.3× fewer". */
  ratio: string;
}

/** The figure measured at guidance w (null: unconditional), else at w = 1, else the first. */
export function pickQuality(figures: readonly QualityFigure[], guidance: number | null): QualityFigure | null {
  return (
    figures.find((f) => f.guidance === guidance) ??
    figures.find((f) => f.guidance === 1) ??
    figures.find((f) => f.guidance !== null) ??
    figures[0] ??
    null
  );
}

function ratio(pixel: number, latent: number, lowerIsBetter = true): string {
  if (!(pixel > 0 && latent > 0)) return '';
  const r = pixel / latent;
  if (Math.abs(r - 1) < 0.05) return 'about the same';
  if (!lowerIsBetter) return r > 1 ? `${(r).toFixed(1)}× lower` : `${(1 / r).toFixed(1)}× higher`;
  return r > 1 ? `${r.toFixed(1)}× less` : `${(1 / r).toFixed(1)}× more`;
}

export function comparisonRows(
  info: LatentInfo,
  settings: { steps: number; guided: boolean; qualityGuidance: number | null },
  runs: { pixel: RunMeasure | null; latent: RunMeasure | null },
): ComparisonRow[] {
  const [h, w, c] = info.autoencoder.latentShape;
  const evals = settings.steps * (settings.guided ? 2 : 1);
  const pixelTotal = evals * info.pixel.flopsPerStep;
  const latentTotal = evals * info.model.flopsPerStep + info.autoencoder.decoderFlops;
  const rows: ComparisonRow[] = [
    { key: 'values', label: 'Values the denoiser works on (per image)', pixel: '28×28×1 = 784', latent: `${h}×${w}×${c} = ${h * w * c}`, ratio: ratio(784, h * w * c) },
    {
      key: 'params',
      label: 'Parameters',
      pixel: info.pixel.params.toLocaleString('en-US'),
      latent: `${info.model.params.toLocaleString('en-US')} + autoencoder ${info.autoencoder.params.toLocaleString('en-US')}`,
      ratio: '',
    },
    {
      key: 'flops-step',
      label: 'FLOPs per denoising step (one network evaluation, one image)',
      pixel: formatFlops(info.pixel.flopsPerStep),
      latent: formatFlops(info.model.flopsPerStep),
      ratio: ratio(info.pixel.flopsPerStep, info.model.flopsPerStep),
    },
    {
      key: 'flops-run',
      label: `FLOPs per image for ${settings.steps} steps${settings.guided ? ' with guidance (2 evaluations a step)' : ''}`,
      pixel: formatFlops(pixelTotal),
      latent: `${formatFlops(latentTotal)} (decoder ${formatFlops(info.autoencoder.decoderFlops)})`,
      ratio: ratio(pixelTotal, latentTotal),
    },
  ];
  const { pixel, latent } = runs;
  if (pixel || latent) {
    const perImage = (r: RunMeasure | null) => (r ? `${formatMs(r.wallMs)} (${formatMs(r.wallMs / r.count)} per image)` : 'not run');
    rows.push({
      key: 'wall',
      label: 'Wall time of the run just made, on this page’s backend',
      pixel: perImage(pixel),
      latent: latent ? `${perImage(latent)}${latent.decodeMs !== undefined ? `, decoding ${formatMs(latent.decodeMs)}` : ''}` : 'not run',
      ratio: pixel && latent ? ratio(pixel.wallMs / pixel.count, latent.wallMs / latent.count) : '',
    });
  }
  const pq = pickQuality(info.pixel.quality, settings.qualityGuidance);
  const lq = pickQuality(info.model.quality, pq?.guidance ?? settings.qualityGuidance);
  if (pq || lq) {
    const where = (q: QualityFigure | null) => (q ? ` (${q.guidance === null ? 'unconditional' : `w = ${q.guidance}`}, ${q.sampler.toUpperCase()} ${q.steps}, n = ${q.n})` : '');
    const missing = info.pixel.qualityNote ? 'not measured for this checkpoint' : 'not measured';
    rows.push({
      key: 'accuracy',
      label: 'Reference-classifier accuracy on class-conditional samples',
      pixel: pq?.accuracy != null ? `${formatPercent(pq.accuracy)}${where(pq)}` : missing,
      latent: lq?.accuracy != null ? `${formatPercent(lq.accuracy)}${where(lq)}` : 'not measured',
      ratio: '',
    });
    rows.push({
      key: 'fid',
      label: 'Classifier-FID against the test split (lower is better)',
      pixel: pq ? `${pq.fid.toFixed(1)}${where(pq)}` : missing,
      latent: lq ? `${lq.fid.toFixed(1)}${where(lq)}` : 'not measured',
      ratio: pq && lq ? ratio(pq.fid, lq.fid, false) : '',
    });
  }
  return rows;
}
