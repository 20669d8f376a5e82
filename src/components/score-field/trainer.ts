/**
 * The model side of <diffusion-score-field>, as the element sees it: loads the tensor side
 * (src/toy2d/score-field-runtime.ts, with tfjs) on first use, builds a ToyDiffusion for the
 * settings and trains it on the page's main thread in short chunks (src/toy2d/train-loop.ts),
 * drawing each batch from the data with a seeded Rng.
 */
import { Rng } from '../../data/rng';
import { sampleToyData, type ToyData } from '../../toy2d/score-comparison';
import type { ToyDiffusion } from '../../toy2d/toy-diffusion';
import { TrainLoop, type TrainLoopOptions } from '../../toy2d/train-loop';
import type { ScoreFieldSettings } from './settings';

type Runtime = typeof import('../../toy2d/score-field-runtime');

/** Longest a training chunk may run before the page gets the thread back. */
const TRAIN_CHUNK_MS = 12;

export class ScoreFieldTrainer {
  private runtime: Runtime | null = null;
  private loading: Promise<Runtime> | null = null;
  model: ToyDiffusion | null = null;
  loop: TrainLoop | null = null;
  /** The tfjs backend in use ('' until loaded). */
  backend = '';

  /** Live tfjs tensors on this thread, or null before tfjs has loaded. */
  get tensorCount(): number | null {
    return this.runtime ? this.runtime.numTensors() : null;
  }

  /** Loads tfjs and starts its backend, once; after a failure the next call tries again. */
  load(): Promise<Runtime> {
    if (!this.loading) {
      const loading = import('../../toy2d/score-field-runtime').then(async (runtime) => {
        const { backend } = await runtime.ensureBackend();
        this.runtime = runtime;
        this.backend = backend;
        return runtime;
      });
      loading.catch(() => {
        if (this.loading === loading) this.loading = null;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /**
   * A new model for the settings and its training loop (after load()); the old ones are dropped.
   * `settings` and `data` are read again for every batch, so a new batch size or a drawn point
   * applies at the next step.
   */
  build(
    runtime: Runtime,
    settings: () => ScoreFieldSettings,
    data: () => ToyData,
    events: Pick<TrainLoopOptions, 'onProgress' | 'onDone' | 'onError'>,
  ): ToyDiffusion {
    this.dispose();
    const { seed, noising, hidden, learningRate, steps } = settings();
    const model = runtime.createToyModel({ seed, noising, hidden, learningRate });
    this.model = model;
    const rng = new Rng(seed + 0x9e37);
    const nextBatch = (): Float32Array => sampleToyData(data(), settings().batchSize, rng);
    this.loop = new TrainLoop(model, nextBatch, steps, { chunkMs: TRAIN_CHUNK_MS, ...events });
    return model;
  }

  /** Stops training and frees the model. */
  dispose(): void {
    this.loop?.pause();
    this.loop = null;
    this.model?.dispose();
    this.model = null;
  }
}
