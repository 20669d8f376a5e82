import { describe, expect, it } from 'vitest';
import { TrainLoop, type TrainLoopProgress } from '../../../src/toy2d/train-loop';

/** A model whose every step takes `msPerStep` on a fake clock and returns a falling loss. */
function fakeModel(clock: { now: number }, msPerStep: number, lossAt: (step: number) => number = (s) => 1 / (1 + s)) {
  return {
    step: 0,
    trainStep(batch: Float32Array): number {
      expect(batch.length).toBe(4);
      clock.now += msPerStep;
      this.step += 1;
      return lossAt(this.step);
    },
  };
}

function manualScheduler() {
  const queue: Array<() => void> = [];
  return { queue, schedule: (run: () => void) => queue.push(run), runAll: () => { while (queue.length) queue.shift()!(); } };
}

describe('TrainLoop (chunked training on the main thread)', () => {
  it('runs chunks of at most chunkMs of work, reports progress after each, and stops at the target', () => {
    const clock = { now: 0 };
    const model = fakeModel(clock, 3);
    const sched = manualScheduler();
    const progress: TrainLoopProgress[] = [];
    let done: TrainLoopProgress | null = null;
    const loop = new TrainLoop(model, () => new Float32Array(4), 100, {
      chunkMs: 12,
      schedule: sched.schedule,
      now: () => clock.now,
      onProgress: (p) => progress.push(p),
      onDone: (p) => (done = p),
    });
    loop.start();
    expect(model.step).toBe(0); // nothing runs until the scheduler lets it
    sched.queue.shift()!();
    // 12 ms budget at 3 ms per step: the chunk ends after its 4th step.
    expect(model.step).toBe(4);
    sched.runAll();
    expect(model.step).toBe(100);
    expect(progress).toHaveLength(25);
    expect(done).not.toBeNull();
    expect(done!.running).toBe(false);
    expect(done!.chunks).toBe(25);
    expect(done!.longestChunkMs).toBe(12);
    expect(done!.trainingMs).toBe(300);
    expect(done!.stepsPerSecond).toBeCloseTo(1000 / 3, 6);
    // Smoothed loss follows the falling loss.
    expect(progress.at(-1)!.smoothedLoss).toBeLessThan(progress[0].smoothedLoss);
    expect(done!.loss).toBeCloseTo(1 / 101, 12);
  });

  it('pause stops between chunks and a raised target resumes', () => {
    const clock = { now: 0 };
    const model = fakeModel(clock, 5);
    const sched = manualScheduler();
    const loop = new TrainLoop(model, () => new Float32Array(4), 50, { chunkMs: 10, schedule: sched.schedule, now: () => clock.now });
    loop.start();
    sched.queue.shift()!();
    loop.pause();
    sched.runAll();
    expect(model.step).toBe(2);
    expect(loop.isRunning).toBe(false);
    loop.start();
    sched.runAll();
    expect(model.step).toBe(50);
    loop.start(); // at the target: does nothing
    expect(sched.queue).toHaveLength(0);
    loop.target = 60;
    loop.start();
    sched.runAll();
    expect(model.step).toBe(60);
  });

  it('a non-finite loss stops training and reports why', () => {
    const clock = { now: 0 };
    const model = fakeModel(clock, 1, (s) => (s === 7 ? Number.NaN : 1));
    const sched = manualScheduler();
    let reported: unknown = null;
    const loop = new TrainLoop(model, () => new Float32Array(4), 100, { schedule: sched.schedule, now: () => clock.now, onError: (e) => (reported = e) });
    loop.start();
    sched.runAll();
    expect(model.step).toBe(7);
    expect(loop.isRunning).toBe(false);
    expect(String(reported)).toContain('the loss became NaN at step 7');
  });
});
