/**
 * The landing page's figure: one hand-drawn digit pushed through the forward process at a few
 * timesteps. It is computed on the page (plain arrays, no tfjs) so the first paint stays light.
 */
import { Rng } from '../data/rng';

const SIZE = 28;

/**
 * Cumulative signal level ᾱ_t of the cosine schedule, Nichol & Dhariwal 2021, "Improved
 * Denoising Diffusion Probabilistic Models", eq. 17: ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2).
 */
export function cosineAlphaBar(t: number, totalSteps: number, s = 0.008): number {
  const f = (step: number): number => Math.cos((((step / totalSteps) + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  return Math.max(0, f(t) / f(0));
}

/**
 * Samples q(x_t | x_0) in closed form, Ho et al. 2020, "Denoising Diffusion Probabilistic
 * Models", eq. 4: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with ε ~ N(0, I).
 */
export function noisedImage(x0: Float32Array, alphaBar: number, noise: Float32Array): Float32Array {
  const signal = Math.sqrt(alphaBar);
  const spread = Math.sqrt(1 - alphaBar);
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = signal * x0[i] + spread * noise[i];
  return out;
}

/** Strokes a "2" onto a 28×28 canvas and returns it in [-1, 1], ink = +1 as in the lessons. */
function drawDigit(doc: Document): Float32Array {
  const canvas = doc.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const pixels = new Float32Array(SIZE * SIZE).fill(-1);
  if (!ctx) return pixels;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIZE, SIZE);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2.6;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(8.5, 10);
  ctx.bezierCurveTo(9, 4.5, 19.5, 4, 19.5, 10);
  ctx.bezierCurveTo(19.5, 14, 13, 17, 8.5, 22);
  ctx.lineTo(20.5, 22);
  ctx.stroke();
  const { data } = ctx.getImageData(0, 0, SIZE, SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (data[i * 4] / 255) * 2 - 1;
  return pixels;
}

function paint(canvas: HTMLCanvasElement, image: Float32Array): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const frame = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < image.length; i++) {
    const grey = Math.round(((Math.min(1, Math.max(-1, image[i])) + 1) / 2) * 255);
    frame.data[i * 4] = grey;
    frame.data[i * 4 + 1] = grey;
    frame.data[i * 4 + 2] = grey;
    frame.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(frame, 0, 0);
}

/** Fills `container` with one labelled frame per timestep; the same seed gives the same noise. */
export function renderNoiseStrip(
  container: HTMLElement,
  timesteps: readonly number[] = [0, 150, 300, 450, 600, 1000],
  totalSteps = 1000,
  seed = 7,
): void {
  const doc = container.ownerDocument;
  const x0 = drawDigit(doc);
  const noise = new Float32Array(SIZE * SIZE);
  new Rng(seed).fillNormal(noise);

  const frames = timesteps.map((t) => {
    const frame = doc.createElement('div');
    frame.className = 'noise-strip__frame';
    const canvas = doc.createElement('canvas');
    canvas.width = SIZE;
    canvas.height = SIZE;
    canvas.setAttribute('aria-hidden', 'true');
    paint(canvas, noisedImage(x0, cosineAlphaBar(t, totalSteps), noise));
    const label = doc.createElement('span');
    label.className = 'noise-strip__label';
    label.textContent = `t = ${t}`;
    frame.append(canvas, label);
    return frame;
  });
  container.replaceChildren(...frames);
}
