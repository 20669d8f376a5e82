/**
 * Running jobs in the page's lab for the widgets that sample or edit with its model
 * (<diffusion-sampler>, <diffusion-inpaint>). Why: both start one job at a time, stream its steps
 * into StepFrames drawn on the screen's cadence, let the learner stop it (and stop it when the
 * widget leaves the page), sort its end into done, stopped or failed, and then ask the reference
 * classifier about the results; one runner keeps their behaviour and wording alike.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { imageGrid, type ImageGridOptions } from '../../charts/image-grid';
import type { Classification, Lab, SampleStep } from '../../lab/lab-api';
import type { Frame, StepFrames } from './step-frames';
import { FrameBatcher } from '../trainer/frame-batcher';
import { errorSentence, isAbortError } from '../trainer/lab-connection';

export type RunState = 'running' | 'done' | 'stopped' | 'error';

/** What a streamed run keeps for the screen: its steps for the scrubber, and how it ended. */
export interface StreamedRun {
  /** Identity of the run, so canvases redraw when a new one starts. */
  id: number;
  frames: StepFrames;
  state: RunState;
  error: string | null;
}

/** How one lab request ended: its value, stopped by the learner, or failed. */
export type JobOutcome<T> = { state: 'done'; value: T } | { state: 'stopped' } | { state: 'error'; error: unknown };

let nextRunId = 1;

/** A fresh id for a new run. */
export function newRunId(): number {
  return nextRunId++;
}

export class LabJobRunner implements ReactiveController {
  private controller: AbortController | null = null;
  /** Lab messages can arrive many times per frame: the widget redraws at most once per frame. */
  readonly frames: FrameBatcher;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    this.frames = new FrameBatcher(() => host.requestUpdate());
  }

  /** Whether a job runs now. */
  get running(): boolean {
    return this.controller !== null;
  }

  /** Starts the widget's one job: the signal that stop() aborts, or null while another job runs. */
  begin(): AbortSignal | null {
    if (this.controller) return null;
    this.controller = new AbortController();
    this.host.requestUpdate();
    return this.controller.signal;
  }

  /** Ends the job: the widget is no longer busy, and draws once more. */
  end(): void {
    this.controller = null;
    this.host.requestUpdate();
    this.frames.request();
  }

  stop(): void {
    this.controller?.abort();
  }

  hostDisconnected(): void {
    this.stop();
    this.frames.cancel();
  }

  /** The onStep of a lab request: keeps each step in `frames` (after `also`) and draws on the next frame. */
  recorder(frames: StepFrames, also?: () => void): (step: SampleStep) => void {
    return (step) => {
      frames.add(step);
      also?.();
      this.frames.request();
    };
  }

  /** Awaits one lab request of the job and sorts its end into done, stopped (aborted) or failed. */
  async settle<T>(request: Promise<T>): Promise<JobOutcome<T>> {
    try {
      return { state: 'done', value: await request };
    } catch (error) {
      return isAbortError(error) ? { state: 'stopped' } : { state: 'error', error };
    } finally {
      this.frames.request();
    }
  }
}

/**
 * The frame a run shows: the live one while it runs (x_T, the first, when motion is reduced, so
 * nothing flickers), else frame `chosen` (the scrubber's).
 */
export function shownFrame(run: StreamedRun, reducedMotion: boolean, chosen: () => number): Frame | null {
  const frames = run.frames;
  if (run.state === 'running') return reducedMotion ? frames.frame(0) : frames.frame(frames.latest);
  return frames.frame(chosen());
}

/** The reference classifier's reading of `count` images, or the lab's error as the widget shows it. */
export async function readWithClassifier(lab: Lab, images: Float32Array, count: number): Promise<{ ok: true; value: Classification } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await lab.classify(images, count) };
  } catch (error) {
    // The lab names its option; on a page it is this widget's attribute.
    return { ok: false, message: errorSentence(error).replace(/check assetsBase/, 'check the assets-base attribute') };
  }
}

/** Image grids drawn only when what a canvas shows changed: steps stream in faster than they need redrawing. */
export class DrawnCanvases {
  private readonly drawn = new WeakMap<HTMLCanvasElement, string>();

  /** Whether `canvas` shows something other than `key` (and from now on counts as showing it). */
  changed(canvas: HTMLCanvasElement, key: string): boolean {
    if (this.drawn.get(canvas) === key) return false;
    this.drawn.set(canvas, key);
    return true;
  }

  grid(canvas: HTMLCanvasElement, key: string, images: Float32Array, count: number, options: ImageGridOptions): void {
    if (this.changed(canvas, key)) imageGrid(canvas, images, count, options);
  }
}
