/**
 * Runs a GanDiffusionDuel (./duel.ts) on the page's main thread in slices of a few milliseconds
 * (./chunk-loop.ts). One unit of work is one model's half of a training step or one update of a
 * measurement; a measurement is taken every `measureEvery` steps and at the last step, and
 * `speed` caps the training steps per second (0: as fast as the page allows).
 */
import { ChunkLoop, type SliceStats, type UnitResult } from './chunk-loop';
import type { DuelMeasurement, DuelStepLosses, GanDiffusionDuel, PendingMeasurement } from './duel';

export interface DuelRunSettings {
  /** Training steps to reach. */
  steps: number;
  measureEvery: number;
  /** Training steps per second at most; 0 = no cap. */
  speed: number;
}

export interface DuelRunEvents {
  /** Both models took a training step. */
  stepped(step: number, losses: DuelStepLosses): void;
  /** A measurement finished. */
  measured(measurement: DuelMeasurement): void;
  /** The run stopped by itself: at the last step (no error) or because a unit threw. */
  stopped(error?: unknown): void;
}

export class DuelRun {
  private duel: GanDiffusionDuel | null = null;
  private pending: PendingMeasurement | null = null;
  private lastMeasuredStep = -1;
  private speedClock = { time: 0, step: 0 };
  private readonly loop: ChunkLoop;

  constructor(
    /** Read at every unit, so new settings apply at once. */
    private readonly settings: () => DuelRunSettings,
    private readonly events: DuelRunEvents,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.loop = new ChunkLoop(() => this.unit(), { onStop: (error) => events.stopped(error) });
  }

  /** Durations of the slices run so far, over every duel this run has driven. */
  get stats(): SliceStats {
    return this.loop.stats;
  }

  get running(): boolean {
    return this.loop.running;
  }

  /** The duel to drive from now on (null: none); a measurement in progress is dropped. */
  use(duel: GanDiffusionDuel | null): void {
    this.duel = duel;
    this.pending = null;
    this.lastMeasuredStep = -1;
  }

  start(): void {
    this.restartSpeedClock();
    this.loop.start();
  }

  /** Stops between units (a measurement in progress finishes when the run starts again). */
  stop(): void {
    this.loop.stop();
  }

  /** Counts the speed cap from now: after a pause or a new speed, no burst of steps to catch up. */
  restartSpeedClock(): void {
    this.speedClock = { time: this.now(), step: this.duel?.step ?? 0 };
  }

  private unit(): UnitResult {
    const duel = this.duel;
    if (!duel) return 'done';
    if (this.pending) {
      if (this.pending.advance()) return 'more';
      const result = this.pending.result;
      this.pending = null;
      if (result) {
        this.lastMeasuredStep = result.step;
        this.events.measured(result);
      }
      return 'more';
    }
    const { steps, measureEvery, speed } = this.settings();
    if (!duel.midStep) {
      const step = duel.step;
      const atEnd = step >= steps;
      if (this.lastMeasuredStep !== step && (step % measureEvery === 0 || atEnd)) {
        this.pending = duel.measure();
        return 'more';
      }
      if (atEnd) return 'done';
      if (speed > 0) {
        const allowed = this.speedClock.step + ((this.now() - this.speedClock.time) * speed) / 1000;
        if (step >= allowed) return 'wait';
      }
      duel.trainGan();
      return 'more';
    }
    const losses = duel.trainDiffusion();
    this.events.stepped(duel.step, losses);
    return 'more';
  }
}
