/**
 * The sampler's shared scrubber: one position from x_T (0) to the final samples (max) for every
 * panel, each panel showing the frame the same share of the way through its own steps, and play,
 * which moves it smoothly (or, with reduced motion, in a few held jumps).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { frameAt, type StepFrames } from '../base/step-frames';

/** A full play from x_T to x₀ takes about this many frames with motion allowed (4 s at 60 Hz). */
const PLAY_FRAMES = 240;
/** With reduced motion, play jumps through this many coarse steps, one per interval. */
const COARSE_STEPS = 10;
const COARSE_INTERVAL_MS = 700;

export interface SamplerStepDetail {
  position: number;
  max: number;
  panels: Array<{ index: number; frame: number; total: number; timestep: number | null }>;
}

/** Each panel's recorded frames, or null for a panel not sampled yet. */
type PanelFrames = ReadonlyArray<StepFrames | null | undefined>;

/** The scrubber's range: the most steps of any panel with a run. */
export function scrubMax(panels: PanelFrames): number {
  let max = 0;
  for (const frames of panels) if (frames && frames.total > 0) max = Math.max(max, frames.total);
  return max;
}

/** What the scrubber's position shows in each panel, for its aria-valuetext. */
export function scrubText(panels: PanelFrames, position: number, max: number): string {
  return panels
    .map((frames, i) => {
      if (!frames || frames.total === 0) return `panel ${i + 1} not sampled`;
      const frame = frameAt(position, max, frames.total);
      return `panel ${i + 1} ${frame >= frames.total ? 'final' : `step ${frame + 1} of ${frames.total}`}`;
    })
    .join(', ');
}

/** The `diffusion-step` detail for a scrubber at `fraction` of the way, or null before anything is sampled. */
export function stepDetail(panels: PanelFrames, fraction: number): SamplerStepDetail | null {
  const max = scrubMax(panels);
  if (max === 0) return null;
  const position = Math.round(fraction * max);
  const shown = panels.flatMap((frames, index) => {
    if (!frames || frames.total === 0) return [];
    const frame = frameAt(position, max, frames.total);
    return [{ index, frame, total: frames.total, timestep: frames.frame(frame)?.timestep ?? null }];
  });
  return { position, max, panels: shown };
}

/** What the player needs of the widget's scrubber. */
export interface PlayedScrubber {
  /** Share of the way from x_T (0) to the final samples (1). */
  fraction(): number;
  move(position: number, max: number): void;
  reducedMotion(): boolean;
}

/** Plays the scrubber from x_T to the final samples; stops at the end, on pause and when the widget leaves the page. */
export class ScrubPlayer implements ReactiveController {
  private playing = false;
  private frame: number | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scrubber: PlayedScrubber,
  ) {
    host.addController(this);
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  toggle(max: number): void {
    if (this.playing) this.stop();
    else this.play(max);
  }

  play(max: number): void {
    if (max === 0) return;
    if (this.scrubber.fraction() >= 1) this.scrubber.move(0, max);
    this.playing = true;
    this.host.requestUpdate();
    if (this.scrubber.reducedMotion()) {
      // No smooth motion: a few coarse jumps, each held long enough to look at.
      const jump = Math.max(1, Math.ceil(max / COARSE_STEPS));
      this.interval = setInterval(() => this.advance(jump, max), COARSE_INTERVAL_MS);
    } else {
      const perFrame = Math.max(1, Math.round(max / PLAY_FRAMES));
      const tick = (): void => {
        if (!this.playing) return;
        this.advance(perFrame, max);
        if (this.playing) this.frame = requestAnimationFrame(tick);
      };
      this.frame = requestAnimationFrame(tick);
    }
  }

  stop(): void {
    if (this.playing) this.host.requestUpdate();
    this.playing = false;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.interval !== null) clearInterval(this.interval);
    this.frame = null;
    this.interval = null;
  }

  hostDisconnected(): void {
    this.stop();
  }

  private advance(by: number, max: number): void {
    const next = Math.min(max, Math.round(this.scrubber.fraction() * max) + by);
    this.scrubber.move(next, max);
    if (next >= max) this.stop();
  }
}
