/**
 * The page's training run as <diffusion-trainer> follows it from the lab's reports (the lab in
 * src/lab does the training): the latest progress, the latest preview grid and the loss history,
 * and what the widget shows for each state of the run. The states are the lab's: idle → running
 * ⇄ paused → done, or error (kept model, resumable); "none" here means there is no model yet or
 * it was reset. No DOM, no tensors.
 */
import type { LabEvents, TrainProgress } from '../../lab/lab-api';
import { formatCount } from './format-time';
import { LossHistory } from './loss-history';

export type RunState = TrainProgress['state'] | 'none';

/** A preview grid of the run: one sample per digit, drawn with 20 DDIM steps. */
export type PreviewSamples = LabEvents['train-samples'];

/** The `diffusion-progress` event's detail. */
export interface TrainerProgressDetail {
  state: TrainProgress['state'];
  step: number;
  totalSteps: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
  etaSeconds: number;
}

/** What the main button offers: pause a running run, else start, resume or continue one. */
export interface MainAction {
  kind: 'pause' | 'start' | 'resume';
  label: string;
  /** The run reached its steps: raise Steps to go on. */
  finished: boolean;
}

export class TrainingRun {
  /** The latest progress report (null when there is no model). */
  progress: TrainProgress | null = null;
  samples: PreviewSamples | null = null;
  readonly history = new LossHistory();

  get state(): RunState {
    return this.progress?.state ?? 'none';
  }

  get hasModel(): boolean {
    return this.progress !== null;
  }

  get step(): number {
    return this.progress?.step ?? 0;
  }

  /**
   * Takes a progress report. `reset`: the run was reset (the preview grid is gone too);
   * `finished`: a running run has just reached its steps.
   */
  receive(p: TrainProgress): { reset: boolean; finished: boolean } {
    const before = this.progress;
    const reset = p.state === 'idle' && p.step === 0;
    if (reset) {
      // The run was reset: the model and its history are gone.
      this.forget();
      this.progress = null;
    } else {
      if (before && p.step < before.step) this.history.clear();
      this.history.add(p.newLosses);
      this.progress = p;
    }
    return { reset, finished: before?.state === 'running' && p.state === 'done' };
  }

  receiveSamples(samples: PreviewSamples): void {
    this.samples = samples;
  }

  /** Drops the loss curve and the preview grid (the model was reset or replaced by a checkpoint). */
  forget(): void {
    this.history.clear();
    this.samples = null;
  }

  progressDetail(p: TrainProgress): TrainerProgressDetail {
    return {
      state: p.state,
      step: p.step,
      totalSteps: p.totalSteps,
      loss: p.loss,
      smoothedLoss: this.history.smoothedLoss,
      stepsPerSecond: p.stepsPerSecond,
      etaSeconds: p.etaSeconds,
    };
  }

  /** The main button for a run that should reach `targetSteps`. */
  mainAction(targetSteps: number): MainAction {
    const state = this.state;
    if (state === 'running') return { kind: 'pause', label: 'Pause', finished: false };
    const resumable = state === 'paused' || state === 'error';
    const finished = state === 'done' && this.step >= targetSteps;
    let label = 'Start training';
    if (resumable) label = 'Resume';
    else if (state === 'done') label = finished ? 'Finished: raise Steps to go on' : `Continue to ${formatCount(targetSteps)} steps`;
    return { kind: resumable ? 'resume' : 'start', label, finished };
  }

  /** One line on where the run stands, for the status line. */
  describeState(): string {
    const p = this.progress;
    if (!p) return 'Ready to train.';
    return `${p.state === 'running' ? 'Training' : p.state === 'paused' ? 'Paused' : p.state === 'done' ? 'Done' : 'Stopped'}: step ${p.step} of ${p.totalSteps}.`;
  }

  /** The model a reset or a load would throw away, in words. */
  describeModel(): string {
    const p = this.progress;
    return p ? `the ${p.settings.preset} model trained for ${formatCount(p.step)} step${p.step === 1 ? '' : 's'}` : 'the trained model';
  }
}
