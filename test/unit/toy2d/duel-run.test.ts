import { describe, expect, it } from 'vitest';
import type { DuelMeasurement, GanDiffusionDuel, PendingMeasurement } from '../../../src/toy2d/duel';
import { DuelRun, type DuelRunSettings } from '../../../src/toy2d/duel-run';

/** A duel without tensors: each half step and each measurement update is one call. */
function fakeDuel(opts: { measureUnits?: number; failAtStep?: number } = {}) {
  let steps = 0;
  let mid = false;
  const duel = {
    get step() {
      return steps;
    },
    get midStep() {
      return mid;
    },
    trainGan() {
      if (steps === opts.failAtStep) throw new Error(`diverged at step ${steps}`);
      mid = true;
      return { discriminator: 1, generator: 2 };
    },
    trainDiffusion() {
      mid = false;
      steps += 1;
      return { gan: { discriminator: 1, generator: 2 }, diffusion: 0.5 };
    },
    measure(): PendingMeasurement {
      const at = steps;
      let left = opts.measureUnits ?? 3;
      let result: DuelMeasurement | null = null;
      return {
        advance() {
          if (--left > 0) return true;
          result = { step: at } as DuelMeasurement;
          return false;
        },
        get result() {
          return result;
        },
      };
    },
  };
  return duel as unknown as GanDiffusionDuel;
}

function runToEnd(duel: GanDiffusionDuel, settings: DuelRunSettings) {
  const stepped: number[] = [];
  const measured: number[] = [];
  return new Promise<{ stepped: number[]; measured: number[]; error: unknown; run: DuelRun }>((resolve) => {
    const run = new DuelRun(() => settings, {
      stepped: (step) => stepped.push(step),
      measured: (m) => measured.push(m.step),
      stopped: (error) => resolve({ stepped, measured, error, run }),
    });
    run.use(duel);
    run.start();
  });
}

describe('DuelRun (the duel on the main thread in slices)', () => {
  it('trains to the last step, measuring at 0, every measureEvery steps and at the end', async () => {
    const { stepped, measured, error, run } = await runToEnd(fakeDuel(), { steps: 7, measureEvery: 3, speed: 0 });
    expect(error).toBeUndefined();
    expect(stepped).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(measured).toEqual([0, 3, 6, 7]);
    expect(run.running).toBe(false);
    expect(run.stats.slices).toBeGreaterThan(0);
  });

  it('stops and reports when a step throws', async () => {
    const { stepped, error } = await runToEnd(fakeDuel({ failAtStep: 2 }), { steps: 10, measureEvery: 100, speed: 0 });
    expect(stepped).toEqual([1, 2]);
    expect(String(error)).toContain('diverged at step 2');
  });

  it('without a duel there is nothing to do', async () => {
    const stopped = await new Promise<unknown>((resolve) => {
      const run = new DuelRun(() => ({ steps: 5, measureEvery: 10, speed: 0 }), { stepped: () => {}, measured: () => {}, stopped: resolve });
      run.start();
    });
    expect(stopped).toBeUndefined();
  });
});
