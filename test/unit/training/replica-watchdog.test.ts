import { describe, expect, it } from 'vitest';
import { AnswerTimes, DEFAULT_WATCHDOG_LIMITS, formatWait } from '../../../src/training/replica-watchdog';

describe('AnswerTimes', () => {
  const limits = { minimumMs: 1_000, factor: 10, window: 3, firstAnswerMs: 60_000 };

  it('waits firstAnswerMs for a first answer, which includes the replica\'s start-up and is not a step time', () => {
    const times = new AnswerTimes(limits);
    expect(times.limitMs()).toBe(60_000);
    times.record(8_000);
    expect(times.limitMs()).toBe(1_000);
  });

  it('waits factor × the slowest recent answer, and never less than the minimum', () => {
    const times = new AnswerTimes(limits);
    times.record(5_000); // the first answer
    times.record(40);
    expect(times.limitMs()).toBe(1_000);
    times.record(300);
    times.record(50);
    expect(times.limitMs()).toBe(3_000);
    // Only the last `window` (3) answers count: the 300 ms one is forgotten once three came after it.
    times.record(60);
    expect(times.limitMs()).toBe(3_000);
    times.record(70);
    expect(times.limitMs()).toBe(1_000);
  });

  it('defaults give the live preset\'s 75 ms steps more than 100× their time', () => {
    const times = new AnswerTimes(DEFAULT_WATCHDOG_LIMITS);
    times.record(3_000);
    times.record(75);
    expect(times.limitMs() / 75).toBeGreaterThan(100);
  });
});

describe('formatWait', () => {
  it('reads as seconds, or milliseconds under one', () => {
    expect(formatWait(10_000)).toBe('10 s');
    expect(formatWait(12_345)).toBe('12 s');
    expect(formatWait(1_500)).toBe('1.5 s');
    expect(formatWait(300)).toBe('300 ms');
  });
});
