/**
 * Which steps the editing loops (editing.ts) take, as plain numbers: no tensors here, so widgets
 * can show a run's length and starting timestep before asking the lab for it.
 *
 * Positions: a sampling run visits the descending timesteps τ_0 > τ_1 > … > τ_{n−1}; position p
 * (0 ≤ p < n) is "x is at the noise level of τ_p, the input of step p", and p = n is the clean
 * result. A `down` move at p is one sampler step from τ_p; an `up` move puts noise back, from
 * position `from` to the earlier position `to`.
 */

export type EditMove = { kind: 'down'; position: number } | { kind: 'up'; from: number; to: number };

/** Most network steps one RePaint run may take (RePaint multiplies the work; see repaintMoves). */
export const MAX_REPAINT_DOWN_MOVES = 20_000;

/**
 * The RePaint schedule (Lugmayr et al. 2022, "RePaint: Inpainting using Denoising Diffusion
 * Probabilistic Models", Algorithm 1 and §4.2 "jumps"): go down one step at a time; at every
 * j-th level (levels 0, j, 2j, … counted from the clean end, below n − j) go back up j levels,
 * r − 1 times per level, and come down again, so the known and the generated regions can agree.
 * The order of moves follows the authors' published schedule (also diffusers' RePaintScheduler:
 * `jump_length` = j, `jump_n_sample` = r). r = 1 is plain replacement; consecutive single-level
 * jumps are merged into one `up` move (noising j levels at once has the same distribution as j
 * single levels, Ho et al. 2020 eq. 4).
 *
 * @param steps n, the sampling steps of the run
 * @param jumpLength j ≥ 1
 * @param resampleCount r ≥ 1
 */
export function repaintMoves(steps: number, jumpLength: number, resampleCount: number): EditMove[] {
  checkWhole('steps', steps, 1);
  checkWhole('jumpLength', jumpLength, 1);
  checkWhole('resampleCount', resampleCount, 1);
  const n = steps;
  // Levels count down from n − 1 (x_T's) to 0, and −1 is the clean result; jumps are keyed by level.
  const jumpsLeft = new Map<number, number>();
  for (let level = 0; level < n - jumpLength; level += jumpLength) jumpsLeft.set(level, resampleCount - 1);
  const levels: number[] = [];
  let level = n;
  while (level >= 1) {
    level -= 1;
    levels.push(level);
    const left = jumpsLeft.get(level) ?? 0;
    if (left > 0) {
      jumpsLeft.set(level, left - 1);
      for (let k = 0; k < jumpLength; k++) levels.push(++level);
    }
  }
  levels.push(-1);

  const position = (l: number): number => n - 1 - l;
  const moves: EditMove[] = [];
  for (let i = 1; i < levels.length; i++) {
    const from = position(levels[i - 1]);
    const to = position(levels[i]);
    if (to > from) {
      moves.push({ kind: 'down', position: from });
      continue;
    }
    const last = moves[moves.length - 1];
    if (last?.kind === 'up') last.to = to;
    else moves.push({ kind: 'up', from, to });
  }
  return moves;
}

/** The plain schedule: n steps down, nothing undone (replacement inpainting, sampling, SDEdit). */
export function straightMoves(steps: number, start = 0): EditMove[] {
  checkWhole('steps', steps, 1);
  return Array.from({ length: Math.max(0, steps - start) }, (_, i) => ({ kind: 'down' as const, position: start + i }));
}

/** How many network steps (down moves) a schedule takes. */
export function downMoves(moves: readonly EditMove[]): number {
  let n = 0;
  for (const m of moves) if (m.kind === 'down') n++;
  return n;
}

export interface SdeditStart {
  /** Sampler steps actually run: ⌊steps · strength⌋ (at most steps). */
  runSteps: number;
  /** Position in the full run where denoising starts (steps − runSteps). */
  startPosition: number;
  /** t₀: the timestep the input is noised to, or null when strength rounds to no steps at all. */
  startTimestep: number | null;
}

/**
 * Where SDEdit (Meng et al. 2022, "SDEdit: Guided Image Synthesis and Editing with Stochastic
 * Differential Equations", §3.2) starts, following diffusers' image-to-image pipelines: the
 * scheduler's timesteps for `steps` steps are computed as for sampling, and only the last
 * ⌊steps · strength⌋ of them run, starting at t₀ = τ_{steps − runSteps}; strength 1 starts at the
 * first timestep (as much noise as sampling), strength 0 runs nothing. A 1e-9 tolerance keeps
 * 0.29 × 100 at 29 steps (Python's int() in diffusers gives 28 there).
 *
 * @param timesteps the full descending timesteps of a `steps`-step run
 */
export function sdeditStart(timesteps: ArrayLike<number>, strength: number): SdeditStart {
  const steps = timesteps.length;
  if (typeof strength !== 'number' || !Number.isFinite(strength) || strength < 0 || strength > 1) {
    throw new RangeError(`strength must be a number from 0 (keep the input) to 1 (start from noise), got ${String(strength)}`);
  }
  const runSteps = Math.min(Math.floor(steps * strength + 1e-9), steps);
  const startPosition = steps - runSteps;
  return { runSteps, startPosition, startTimestep: runSteps > 0 ? timesteps[startPosition] : null };
}

function checkWhole(name: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  }
}
