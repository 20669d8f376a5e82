/**
 * The landing page's figure: one hand-drawn digit pushed through the forward process at a few
 * timesteps. It is computed on the page (plain arrays, no tfjs) so the first paint stays light:
 * the cosine schedule's ᾱ_t (src/diffusion/curves.ts) and q(x_t | x_0) in closed form
 * (src/diffusion/forward-math.ts) on the stroked "2" the widgets show before MNIST loads.
 */
import { fallbackDigit } from '../components/base/digit-pad';
import { cosineAlphaBar } from '../diffusion/curves';
import { noiseClosedForm, seededNoise } from '../diffusion/forward-math';

const SIZE = 28;

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
  const x0 = fallbackDigit(doc);
  const noise = seededNoise(SIZE * SIZE, seed);

  const frames = timesteps.map((t) => {
    const frame = doc.createElement('div');
    frame.className = 'noise-strip__frame';
    const canvas = doc.createElement('canvas');
    canvas.width = SIZE;
    canvas.height = SIZE;
    canvas.setAttribute('aria-hidden', 'true');
    paint(canvas, noiseClosedForm(x0, cosineAlphaBar(t, totalSteps), noise));
    const label = doc.createElement('span');
    label.className = 'noise-strip__label';
    label.textContent = `t = ${t}`;
    frame.append(canvas, label);
    return frame;
  });
  container.replaceChildren(...frames);
}
