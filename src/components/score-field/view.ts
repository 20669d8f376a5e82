/** The square <diffusion-score-field> shows, and the words it uses: names, t, the plot's description, notes. */
import type { ToyDatasetName } from '../../toy2d/datasets';
import type { ParticleSampler, ToySamplerName } from '../../toy2d/samplers';

/** The square shown, in data units (the data sets have unit spread). */
export const DOMAIN: [number, number] = [-3, 3];
/** Arrows per side of the quiver plot. */
export const GRID = 20;

/** Shown instead of a comparison for data sets whose score has no closed form. */
export const NO_TRUTH = 'no closed form';

export const DATASET_NAMES: Record<ToyDatasetName, string> = {
  ring: 'Ring of 8 Gaussians',
  'swiss-roll': 'Swiss roll',
  'two-moons': 'Two moons',
  drawn: 'Your own points',
};

export function samplerName(sampler: ToySamplerName): string {
  return sampler === 'ode' ? 'the probability-flow ODE' : sampler === 'langevin' ? 'annealed Langevin dynamics' : 'ancestral sampling';
}

export function formatT(t: number): string {
  return t.toFixed(2);
}

export function clampToDomain(v: number): number {
  return Math.min(DOMAIN[1], Math.max(DOMAIN[0], v));
}

export interface PlotDescription {
  dataset: ToyDatasetName;
  t: number;
  /** Training steps of the learned arrows shown, or null when there are none. */
  learnedAfter: number | null;
  hasTruth: boolean;
  cosineGrid: number;
  cosineData: number;
  /** Particles on the plot, or null when there are none. */
  particles: number | null;
  drawn: number;
}

/** The quiver plot in words, for readers who cannot see it. */
export function plotDescription(v: PlotDescription): string {
  const parts = [
    `${DATASET_NAMES[v.dataset]} data as grey dots in the square from ${DOMAIN[0]} to ${DOMAIN[1]}.`,
    `Arrows on a ${GRID} by ${GRID} grid show σ·s(x, t) at t = ${formatT(v.t)}:`,
    v.learnedAfter !== null ? `blue for the learned score after ${v.learnedAfter} training steps` : 'the learned score appears once the model is built',
    v.hasTruth ? ', orange for the true score of the noised Gaussian mixture.' : '; this data set has no closed-form score.',
  ];
  if (Number.isFinite(v.cosineGrid)) parts.push(` Mean cosine similarity: ${v.cosineGrid.toFixed(3)} on the grid, ${v.cosineData.toFixed(3)} near the data.`);
  if (v.particles !== null) parts.push(` ${v.particles} particles in green with their paths.`);
  if (v.dataset === 'drawn') parts.push(` ${v.drawn} drawn points. Drag on the plot, or use the arrow keys and Enter, to add points.`);
  return parts.join(' ');
}

/** The status line after a particle run: what moved them, how many updates, how long. */
export function particlesNote(run: ParticleSampler, busyMs: number, wallMs: number): string {
  const name = samplerName(run.sampler);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${run.updates} updates of ${run.points.length / 2} particles, ${Math.round(busyMs)} ms of computing over ${(wallMs / 1000).toFixed(1)} s.`;
}
