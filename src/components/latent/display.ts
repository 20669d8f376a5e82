/**
 * How the latent widgets show what the lab returns: latents as grey mosaics, and FLOPs, times and
 * shares as short text. No tfjs, no DOM.
 */

/**
 * The c channels of each h×w latent tiled into one square grey image per latent (channels in
 * reading order, ⌈√c⌉ per row, gaps left at −1), values divided by `spread` and clipped to
 * [−1, 1] for drawing. Returns the images and their side.
 */
export function latentMosaic(latents: Float32Array, count: number, shape: readonly [number, number, number], spread = 2.5): { images: Float32Array; side: number } {
  const [h, w, c] = shape;
  if (h !== w) throw new RangeError(`latentMosaic expects square latents, got ${h}×${w}`);
  if (latents.length !== count * h * w * c) throw new RangeError(`latentMosaic: ${count} latents of ${h}×${w}×${c} need ${count * h * w * c} values, got ${latents.length}`);
  const tiles = Math.ceil(Math.sqrt(c));
  const side = tiles * h;
  const images = new Float32Array(count * side * side).fill(-1);
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < c; ch++) {
      const ox = (ch % tiles) * w;
      const oy = Math.floor(ch / tiles) * h;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = latents[((n * h + y) * w + x) * c + ch] / spread;
          images[n * side * side + (oy + y) * side + ox + x] = v > 1 ? 1 : v < -1 ? -1 : v;
        }
      }
    }
  }
  return { images, side };
}

/** FLOPs as prose: "28.1 M", "1.12 G". */
export function formatFlops(flops: number): string {
  if (flops >= 1e9) return `${Number((flops / 1e9).toPrecision(3))} G`;
  if (flops >= 1e6) return `${Number((flops / 1e6).toPrecision(3))} M`;
  if (flops >= 1e3) return `${Number((flops / 1e3).toPrecision(3))} k`;
  return String(Math.round(flops));
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(share >= 0.995 || share < 0.1 ? 1 : 0)} %`;
}
