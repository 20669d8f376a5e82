/**
 * A simple within-set diversity measure for small sets of samples: the mean pairwise RMS distance
 * between images, √(mean over pixels of (a − b)²), averaged over all pairs. For MNIST in [-1, 1]
 * it runs from 0 (all samples identical) to 2; stronger guidance gives more alike, more
 * prototypical digits and a smaller value (the fidelity–diversity trade-off of Ho & Salimans 2022,
 * sec. 4, and Dhariwal & Nichol 2021, sec. 4.3, who measure it with recall). Pixel distances are
 * crude (a shifted copy counts as different), but need no network and are exact to reproduce.
 */

/** Mean pairwise RMS distance of `count` images of `pixels` values each; NaN for fewer than two. */
export function meanPairwiseDistance(images: ArrayLike<number>, count: number, pixels: number): number {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(pixels) || pixels < 1 || images.length !== count * pixels) {
    throw new RangeError(`meanPairwiseDistance: ${count} images of ${pixels} values need ${count * pixels} values, got ${images.length}`);
  }
  if (count < 2) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let sq = 0;
      for (let p = 0; p < pixels; p++) {
        const d = images[i * pixels + p] - images[j * pixels + p];
        sq += d * d;
      }
      sum += Math.sqrt(sq / pixels);
    }
  }
  return sum / ((count * (count - 1)) / 2);
}
