/**
 * Lesson 4's figure of what the shipped model predicts, built when the pages are built from the
 * file scripts/make-prediction-figure.ts wrote (assets/figures/reverse-process-predictions.json):
 * for each stored timestep the noisy input x_t, the network's noise estimate ε̂ and the clean image
 * x̂_0 it implies, under the true ε and x_0 they aim at. An inline SVG of small PNG images with
 * theme-coloured labels (lesson.css, `prediction-figure`).
 *
 * Keys, or none when the file is missing or was made from another checkpoint than the one shipped
 * now (so a lesson that quotes them fails to build instead of showing a stale figure):
 *   figure.reverse-predictions              the figure
 *   figure.reverse-predictions.digit        the digit shown, "7"
 *   figure.reverse-predictions.eps-mse-<t>  mean squared error of ε̂ at timestep t, "0.0938"
 *   figure.reverse-predictions.first-t, .last-t   the smallest and largest timestep shown
 * Node only (reads files, encodes PNG with node:zlib).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unitToByte } from '../../io/png';
import { encodePngNode } from '../../io/png-node';

interface PredictionRow {
  t: number;
  epsMse: number;
  xt: number[];
  epsHat: number[];
  x0Hat: number[];
}

interface PredictionReport {
  checkpoint: { contentHash: string };
  label: number;
  x0: number[];
  eps: number[];
  rows: PredictionRow[];
}

const SIDE = 28;
const CELL = 70;
const GAP = 10;
const LABEL_W = 92;
const HEAD = 22;
/** Noise is drawn over ±3 standard deviations, images over their pixel range [−1, 1]. */
const NOISE_RANGE = 3;

function pngDataUri(values: readonly number[], range: number): string {
  const pixels = Uint8Array.from(values, (v) => unitToByte(v / range));
  const png = encodePngNode({ width: SIDE, height: SIDE, channels: 1, pixels });
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

function figure(report: PredictionReport): string {
  const columns = report.rows.length + 1;
  const width = LABEL_W + columns * (CELL + GAP);
  const height = HEAD + 3 * (CELL + GAP);
  const x = (col: number): number => LABEL_W + col * (CELL + GAP);
  const y = (row: number): number => HEAD + row * (CELL + GAP);
  const parts: string[] = [];
  const image = (col: number, row: number, values: readonly number[], range: number): void => {
    parts.push(`<image x="${x(col)}" y="${y(row)}" width="${CELL}" height="${CELL}" href="${pngDataUri(values, range)}"/>`);
  };
  const rowNames = ['input x<tspan dy="3" font-size="9">t</tspan>', 'noise ε̂', 'clean x̂<tspan dy="3" font-size="9">0</tspan>'];
  rowNames.forEach((name, row) => parts.push(`<text class="prediction-label" x="0" y="${y(row) + CELL / 2 + 4}">${name}</text>`));
  parts.push(`<text class="prediction-head" x="${x(0) + CELL / 2}" y="14">truth</text>`);
  image(0, 1, report.eps, NOISE_RANGE);
  image(0, 2, report.x0, 1);
  report.rows.forEach((r, i) => {
    parts.push(`<text class="prediction-head" x="${x(i + 1) + CELL / 2}" y="14">t = ${r.t}</text>`);
    image(i + 1, 0, r.xt, 1);
    image(i + 1, 1, r.epsHat, NOISE_RANGE);
    image(i + 1, 2, r.x0Hat, 1);
  });
  const ts = report.rows.map((r) => r.t).join(', ');
  const svg =
    `<svg class="prediction-figure-svg" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="The shipped model's noise estimate and implied clean image for a noisy ${report.label} at timesteps ${ts}, beside the true noise and digit.">` +
    parts.join('') +
    `</svg>`;
  const caption =
    `The shipped model at work on one test digit and one draw of noise: at each timestep (diffusers' numbering, 0 to T − 1) the ` +
    `network sees only x<sub>t</sub> and answers ε̂; x̂<sub>0</sub> follows from it. The left column is the truth they aim at. ` +
    `Noise is shown from −3 (black) to 3 (white), images from −1 to 1. Made by <code>scripts/make-prediction-figure.ts</code>.`;
  return `<figure class="prediction-figure">${svg}<figcaption>${caption}</figcaption></figure>`;
}

export function predictionFigureValues(file: string, shippedDir: string): Map<string, string> {
  const values = new Map<string, string>();
  const manifestPath = join(shippedDir, 'model.json');
  if (!existsSync(file) || !existsSync(manifestPath)) return values;
  const report = JSON.parse(readFileSync(file, 'utf8')) as PredictionReport;
  const shipped = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { userDefinedMetadata?: { manifest?: { contentHash?: string } } })
    .userDefinedMetadata?.manifest?.contentHash;
  if (!report.checkpoint || report.checkpoint.contentHash !== shipped) return values;
  if (!Array.isArray(report.rows) || report.rows.length === 0) throw new Error(`${file}: no rows`);
  for (const r of [...report.rows.flatMap((row) => [row.xt, row.epsHat, row.x0Hat]), report.x0, report.eps]) {
    if (!Array.isArray(r) || r.length !== SIDE * SIDE) throw new Error(`${file}: an image without ${SIDE * SIDE} values`);
  }
  const prefix = 'figure.reverse-predictions';
  values.set(prefix, figure(report));
  values.set(`${prefix}.digit`, String(report.label));
  values.set(`${prefix}.first-t`, String(report.rows[0].t));
  values.set(`${prefix}.last-t`, String(report.rows[report.rows.length - 1].t));
  for (const r of report.rows) values.set(`${prefix}.eps-mse-${r.t}`, String(r.epsMse));
  return values;
}
