import { describe, expect, it } from 'vitest';
import { StepFrames, frameAt, quantize } from '../../../src/components/base/step-frames';
import { toGrey } from '../../../src/charts/image-grid';

const PIXELS = 4;

function step(index: number, total: number, fill: number, images = 3) {
  return {
    index,
    total,
    timestep: 1000 - (index + 1) * (1000 / total),
    xt: new Float32Array(images * PIXELS).map((_, i) => fill + i / 100),
    x0: new Float32Array(images * PIXELS).fill(-fill),
  };
}

describe('StepFrames', () => {
  it('keeps the first images of each step and the final samples as the last frame', () => {
    const frames = new StepFrames(2, PIXELS);
    for (let i = 0; i < 3; i++) frames.add(step(i, 3, i / 4));
    expect(frames.total).toBe(3);
    expect(frames.received).toBe(3);
    expect(frames.latest).toBe(2);
    const first = frames.frame(0)!;
    expect(first.index).toBe(0);
    expect(first.xt).toHaveLength(2 * PIXELS);
    expect(first.timestep).toBeCloseTo(1000 - 1000 / 3);

    frames.finish(new Float32Array(3 * PIXELS).fill(0.5));
    expect(frames.finished).toBe(true);
    expect(frames.latest).toBe(3);
    const last = frames.frame(3)!;
    expect(last.timestep).toBeNull();
    expect(last.xt).toEqual(last.x0);
    expect(last.xt[0]).toBeCloseTo(0.5, 2);
  });

  it('stores 8-bit grey levels that draw exactly as the original values do', () => {
    const frames = new StepFrames(1, PIXELS);
    const values = Float32Array.from([-3, -0.3, 0.42, 2]);
    frames.add({ index: 0, total: 1, timestep: 999, xt: values, x0: values });
    const back = frames.frame(0)!.xt;
    expect(Array.from(back, toGrey)).toEqual(Array.from(values, toGrey));
    expect(Array.from(values, quantize)).toEqual(Array.from(values, toGrey));
    expect(frames.bytes).toBe(2 * PIXELS);
  });

  it('falls back to the latest earlier frame while steps are still arriving', () => {
    const frames = new StepFrames(1, PIXELS);
    frames.add(step(0, 10, 0.1, 1));
    frames.add(step(1, 10, 0.2, 1));
    expect(frames.frame(7)!.index).toBe(1);
    expect(new StepFrames(1, PIXELS).frame(0)).toBeNull();
  });
});

describe('frameAt', () => {
  it('maps the shared scrubber to the same share of each panel’s steps', () => {
    expect(frameAt(0, 100, 20)).toBe(0);
    expect(frameAt(100, 100, 20)).toBe(20);
    expect(frameAt(50, 100, 20)).toBe(10);
    expect(frameAt(37, 100, 100)).toBe(37);
    // Every frame of a shorter panel is reachable.
    const seen = new Set(Array.from({ length: 101 }, (_, p) => frameAt(p, 100, 20)));
    expect(seen.size).toBe(21);
    expect(frameAt(5, 0, 20)).toBe(0);
  });
});
