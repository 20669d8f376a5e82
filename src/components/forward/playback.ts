/**
 * Playing t from where it is to T: smoothly, a few steps per animation frame, or, when the reader
 * asked for less motion, in a few coarse jumps each held long enough to look at. A Lit reactive
 * controller: the host re-renders when playing starts or stops, and play stops when the host
 * leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Frames a full play from 0 to T takes with motion allowed (about 4 s at 60 Hz). */
const PLAY_FRAMES = 240;
/** With reduced motion, play jumps in this many coarse steps, one per interval. */
const COARSE_STEPS = 10;
const COARSE_INTERVAL_MS = 700;

/** What the player moves. */
export interface PlaybackTimeline {
  /** T, the last timestep. */
  end(): number;
  /** The timestep shown now. */
  current(): number;
  /** Goes back to t = 0 before playing from the end (as if the learner had moved the slider). */
  restart(): void;
  /** Shows timestep t, reached by the animation. */
  advanceTo(t: number): void;
  reducedMotion(): boolean;
}

export class TimestepPlayback implements ReactiveController {
  private isPlaying = false;
  private frame: number | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly timeline: PlaybackTimeline,
  ) {
    host.addController(this);
  }

  get playing(): boolean {
    return this.isPlaying;
  }

  hostDisconnected(): void {
    this.stop();
  }

  toggle(): void {
    if (this.isPlaying) this.stop();
    else this.play();
  }

  play(): void {
    const T = this.timeline.end();
    if (this.timeline.current() >= T) this.timeline.restart();
    this.setPlaying(true);
    if (this.timeline.reducedMotion()) {
      // No smooth motion: a few coarse jumps, each held long enough to look at.
      const jump = Math.max(1, Math.ceil(T / COARSE_STEPS));
      this.interval = setInterval(() => this.advance(jump), COARSE_INTERVAL_MS);
    } else {
      const perFrame = Math.max(1, Math.round(T / PLAY_FRAMES));
      const tick = (): void => {
        if (!this.isPlaying) return;
        this.advance(perFrame);
        if (this.isPlaying) this.frame = requestAnimationFrame(tick);
      };
      this.frame = requestAnimationFrame(tick);
    }
  }

  stop(): void {
    this.setPlaying(false);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.interval !== null) clearInterval(this.interval);
    this.frame = null;
    this.interval = null;
  }

  private advance(by: number): void {
    const T = this.timeline.end();
    const next = Math.min(T, this.timeline.current() + by);
    this.timeline.advanceTo(next);
    if (next >= T) this.stop();
  }

  private setPlaying(playing: boolean): void {
    if (this.isPlaying === playing) return;
    this.isPlaying = playing;
    this.host.requestUpdate();
  }
}
