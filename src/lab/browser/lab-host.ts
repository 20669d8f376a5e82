/**
 * Everything the lab worker does, one method per request of protocol.ts's LAB_METHODS (by the same
 * name, checked against `LabHostMethods`): backend start-up, the shipped and the trained model, the
 * training run, sampling jobs, the reference classifier and checkpoints. Independent of the
 * messaging: lab-dispatch.ts calls these methods, and hands streamed ones a StreamJob.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../backend';
import type { MnistClassifier } from '../../classifier';
import type { MnistDataset } from '../../data/mnist';
import { loadMnistFromUrl } from '../../data/mnist-url';
import { describeUNet } from '../../model/describe';
import { presetConfig, type UNetConfig } from '../../model/config';
import type { UNet } from '../../model/unet';
import {
  CheckpointError,
  checkpointJson,
  disposeNamed,
  encodeCheckpoint,
  parseCheckpoint,
  type Checkpoint,
  type CheckpointManifest,
} from '../../training/checkpoint';
import type {
  CheckpointSummary,
  Classification,
  LabMemory,
  LabStatus,
  ModelInfo,
  ModelSource,
  SampleRequest,
  SampleResult,
  TrainProgress,
  TrainSettings,
} from '../lab-api';
import { expandLabels, initialNoise, sample, schedulerFor, stepNoiseRng } from '../../diffusion/pipelines/sampling';
// Classifier guidance: request fields and the lazily loaded noise-aware classifier.
import { NOISY_CLASSIFIER_DIR, NoisyClassifierSource, resolveGuidance } from './classifier-guidance';
import { unetFromCheckpoint } from '../../model/unet-checkpoint';
import { checkpointFromFiles, checkpointJsonUrl, fetchCheckpoint } from './checkpoint-sources';
import { readStoredCheckpoint, storeCheckpoint } from './checkpoint-store';
import { runInpaint, runSdedit, type EditingHost } from './host-editing';
import { LatentHost } from './host-latent';
import { SharedModel } from './model-lease';
import type { EventMessage, LabHostMethods, StreamJob, WorkerInit } from './protocol';
import { classifyImages, loadReferenceClassifier } from './reference-classifier';
import { checkTrainSettings, resolveRunSettings } from './train-settings';
import { TrainingSession, type SessionEvents } from './training-session';
import { makeYield } from '../../io/event-loop';
import { replicaSourceFor, type ReplicaSource } from './training-workers';
import { measuredBackend } from './measured-backend';
import { SHIPPED_CHECKPOINT_DIR } from '../asset-folders';

/** Where the shipped checkpoint lives inside the assets folder. */
export { SHIPPED_CHECKPOINT_DIR };
export const CLASSIFIER_DIR = 'classifier/';
/** Most images one sample request may ask for (memory of a phone's GPU). */
export const MAX_SAMPLES_PER_REQUEST = 400;

/** Where the host's events go (to the page). */
export type HostEvents = (message: EventMessage) => void;

interface LoadedModel {
  model: SharedModel<UNet>;
  manifest: CheckpointManifest;
}

function downsample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const stride = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * stride)]);
}

function sameConfig(a: UNetConfig, b: UNetConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class LabHost implements LabHostMethods {
  private status: Promise<LabStatus> | null = null;
  private options: WorkerInit | null = null;
  private data: Promise<MnistDataset> | null = null;
  private shipped: Promise<LoadedModel> | null = null;
  private classifier: Promise<MnistClassifier> | null = null;
  /** The noise-aware classifier for classifier guidance, fetched on the first request that needs it. */
  private readonly noisyClassifier = new NoisyClassifierSource(async () => `${(await this.started()).assetsBase}${NOISY_CLASSIFIER_DIR}`);
  private session: TrainingSession | null = null;
  /** Training controls run one after another, so a reset cannot interleave with a start. */
  private control: Promise<unknown> = Promise.resolve();
  private readonly yieldToEventLoop = makeYield();
  private readonly sessionEvents: SessionEvents;

  constructor(event: HostEvents) {
    this.sessionEvents = {
      progress: (p) => event({ type: 'event', event: 'train-progress', detail: p }),
      samples: (s) => event({ type: 'event', event: 'train-samples', detail: s }),
      error: (message) => event({ type: 'event', event: 'train-error', detail: { message } }),
    };
  }

  // ---- start-up ------------------------------------------------------------------------------

  init(options: WorkerInit): Promise<LabStatus> {
    if (!this.status) {
      this.options = options;
      this.status = this.startBackend(options);
      this.status.catch(() => {
        this.status = null;
      });
    }
    return this.status;
  }

  /** 'auto' trains on the backend that ran a real training step fastest here (measured-backend.ts). */
  private async startBackend(options: WorkerInit): Promise<LabStatus> {
    let choice: Awaited<ReturnType<typeof measuredBackend>> = null;
    let unmeasured = '';
    if (options.backend === 'auto') {
      try {
        choice = await measuredBackend(options);
      } catch (error) {
        // The timing could not run (a worker that would not start, say): the usual order decides.
        unmeasured = ` (no backend could be timed: ${error instanceof Error ? error.message : String(error)})`;
      }
    }
    const s = await setupBackend(choice?.backend ?? options.backend, { wasmBaseUrl: options.wasmBase });
    const tried = s.tried.map((t) => ({ ...t }));
    if (!choice) return { backend: s.backend, reason: `${s.reason}${unmeasured}`, tried };
    const how = choice.remembered ? 'measured here before' : 'a timed training step';
    const reason = s.backend === choice.backend ? `${s.backend} chosen by ${how}` : `${s.reason} (${choice.backend} won by ${how} but did not start)`;
    return { backend: s.backend, reason, tried, choice };
  }

  private async started(): Promise<WorkerInit> {
    if (!this.status || !this.options) throw new Error('the lab has not started: call ready() first');
    await this.status;
    return this.options;
  }

  private async backendName(): Promise<string> {
    if (!this.status) return tf.getBackend();
    return (await this.status).backend;
  }

  // ---- models --------------------------------------------------------------------------------

  private async trainingData(): Promise<MnistDataset> {
    const { assetsBase } = await this.started();
    if (!this.data) {
      this.data = loadMnistFromUrl(`${assetsBase}mnist/`, 'train');
      this.data.catch(() => {
        this.data = null;
      });
    }
    return this.data;
  }

  private async shippedModel(): Promise<LoadedModel> {
    const { assetsBase } = await this.started();
    if (!this.shipped) {
      const folder = `${assetsBase}${SHIPPED_CHECKPOINT_DIR}`;
      this.shipped = fetchCheckpoint(folder).then((ckpt) => {
        if (!ckpt) {
          throw new Error(`no shipped checkpoint at ${checkpointJsonUrl(folder).href} (the trained model is not in the assets folder yet)`);
        }
        return { model: new SharedModel(unetFromCheckpoint(ckpt)), manifest: ckpt.manifest };
      });
      this.shipped.catch(() => {
        this.shipped = null;
      });
    }
    return this.shipped;
  }

  private trainedSession(): TrainingSession {
    if (!this.session) throw new Error('no trained model on this page yet: start training or load a checkpoint first');
    return this.session;
  }

  async modelInfo(source: ModelSource): Promise<ModelInfo> {
    await this.started();
    const info = (preset: string, config: UNetConfig, steps: number, scheduler: Record<string, unknown>): ModelInfo => {
      const d = describeUNet(config);
      return { source, preset, params: d.params, flopsPerImage: d.flopsPerImage, trainingSteps: steps, scheduler, layers: d.layers };
    };
    if (source === 'shipped') {
      const { model, manifest } = await this.shippedModel();
      return info(manifest.preset ?? 'custom', model.model.config, manifest.training?.steps ?? 0, { ...manifest.scheduler });
    }
    if (source === 'trained') {
      const s = this.trainedSession();
      return info(s.presetName, s.config, s.step, { ...s.scheduler.config });
    }
    throw new RangeError(`unknown model source "${String(source)}"; allowed: shipped, trained`);
  }

  // ---- training ------------------------------------------------------------------------------

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.control.then(op, op);
    this.control = run.catch(() => undefined);
    return run;
  }

  startTraining(raw: TrainSettings): Promise<void> {
    return this.serial(async () => {
      const asked = checkTrainSettings(raw);
      const config = presetConfig(asked.preset);
      const existing = this.session;
      if (existing && !sameConfig(existing.config, config)) {
        throw new Error(
          `a "${existing.presetName}" model is already trained on this page (step ${existing.step}); ` +
            `reset training first to start a "${asked.preset}" run, or keep the "${existing.presetName}" preset to continue it`,
        );
      }
      const data = await this.trainingData();
      const replicas = await this.replicaSource();
      // An 'auto' batch is 32 per worker: those the run started with, or those it starts with now.
      const settings = resolveRunSettings(asked, existing?.startedWorkers ?? replicas.workers);
      if (settings.batchSize > data.count) throw new RangeError(`batchSize ${settings.batchSize} exceeds the ${data.count} training images`);
      if (existing) {
        existing.applySettings(settings);
      } else {
        this.session = TrainingSession.create(config, settings, this.yieldToEventLoop);
      }
      this.session!.run(data, this.sessionEvents, replicas);
    });
  }

  pauseTraining(): Promise<void> {
    return this.serial(async () => {
      await this.session?.pause();
    });
  }

  resumeTraining(): Promise<void> {
    return this.serial(async () => {
      const session = this.session;
      if (!session) throw new Error('there is no training run to resume: start one first');
      if (session.isRunning) return;
      session.run(await this.trainingData(), this.sessionEvents, await this.replicaSource());
    });
  }

  resetTraining(): Promise<void> {
    return this.serial(async () => {
      const session = this.session;
      if (!session) return;
      this.session = null;
      await session.dispose();
      this.sessionEvents.progress({ ...session.progress(), state: 'idle', step: 0, loss: NaN, stepsPerSecond: 0, etaSeconds: Infinity });
    });
  }

  /** Data-parallel training: the workers a new run shares its batches with (training-workers.ts). */
  private async replicaSource(): Promise<ReplicaSource> {
    const options = await this.started();
    const status = await this.status!;
    // The worker count that won the timed step, when the page leaves the count to the lab.
    const measured = status.choice?.backend === status.backend ? status.choice.workers : undefined;
    return replicaSourceFor(options, status.backend, measured);
  }

  async trainProgress(): Promise<TrainProgress | null> {
    return this.session?.progress() ?? null;
  }

  // ---- sampling ------------------------------------------------------------------------------

  async sample(request: SampleRequest, job: StreamJob): Promise<SampleResult> {
    await this.started();
    const { sampler, steps, count, seed } = request;
    if (sampler !== 'ddpm' && sampler !== 'ddim') throw new RangeError(`sampler must be "ddpm" or "ddim", got ${JSON.stringify(sampler)}`);
    if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLES_PER_REQUEST) {
      throw new RangeError(`count must be an integer from 1 to ${MAX_SAMPLES_PER_REQUEST}, got ${JSON.stringify(count)}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${JSON.stringify(seed)}`);
    const labels = expandLabels(request.label, count);
    const guidance = resolveGuidance(request, labels);
    const source = request.source ?? (this.session ? 'trained' : 'shipped');
    let model: SharedModel<UNet>;
    let trainedScheduler: Record<string, unknown>;
    if (source === 'trained') {
      const s = this.trainedSession();
      model = s.ema;
      trainedScheduler = { ...s.scheduler.config };
    } else if (source === 'shipped') {
      const shipped = await this.shippedModel();
      model = shipped.model;
      trainedScheduler = shipped.manifest.scheduler ?? {};
    } else {
      throw new RangeError(`unknown model source "${String(source)}"; allowed: shipped, trained`);
    }

    const scheduler = schedulerFor(sampler, trainedScheduler);
    const classifierGuidance = await this.noisyClassifier.options(guidance, scheduler.alphasCumprod);
    const started = performance.now();
    const { imageSize, channels } = model.model.config;
    const xT = initialNoise(seed, count, imageSize * imageSize * channels);
    const out = await model.use((m) =>
      sample({
        model: m,
        scheduler,
        steps,
        eta: request.eta ?? 0,
        guidance: guidance.guidance,
        labels: guidance.labels,
        classifierGuidance,
        xT,
        rng: stepNoiseRng(seed),
        signal: job.signal,
        yieldToEventLoop: this.yieldToEventLoop,
        onStep: request.recordSteps
          ? (s) => job.step({ index: s.index, total: s.total, timestep: s.timestep, xt: s.xt.slice(), x0: s.x0.slice() })
          : undefined,
      }),
    );
    // Copies: on the cpu backend data() hands out the tensor's own array, which must not be transferred.
    return { images: out.images.slice(), count, nfe: out.nfe, wallMs: performance.now() - started, xT };
  }

  // ---- classifier ----------------------------------------------------------------------------

  async classify(images: Float32Array, count: number): Promise<Classification> {
    const { assetsBase } = await this.started();
    if (!this.classifier) {
      this.classifier = loadReferenceClassifier(`${assetsBase}${CLASSIFIER_DIR}`);
      this.classifier.catch(() => {
        this.classifier = null;
      });
    }
    return classifyImages(await this.classifier, images, count);
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  async saveCheckpoint(target: 'download' | 'indexeddb'): Promise<{ json: string; weights: ArrayBuffer } | CheckpointSummary> {
    await this.started();
    if (target !== 'download' && target !== 'indexeddb') throw new RangeError(`save target must be "download" or "indexeddb", got ${JSON.stringify(target)}`);
    const session = this.session;
    if (!session) throw new Error('nothing to save: train a model or load a checkpoint first');
    const backend = await this.backendName();
    const weights = await session.ema.use(async (m) => m.getWeights());
    let ckpt: Checkpoint;
    try {
      ckpt = await encodeCheckpoint(weights, {
        weights: 'ema',
        preset: session.presetName,
        model: { ...session.config, channelMults: [...session.config.channelMults] },
        scheduler: { ...session.scheduler.config },
        training: session.trainingRecord(backend),
        dataset: session.dataset ?? { name: 'mnist', split: 'train', count: 0, source: 'unknown' },
        metrics: { lossCurve: downsample(session.lossCurve(), 200) },
      });
    } finally {
      disposeNamed(weights);
    }
    const json = JSON.stringify(checkpointJson(ckpt, 'diffusion-lab (browser)'));
    const summary: CheckpointSummary = { preset: session.presetName, steps: ckpt.manifest.training.steps, createdAt: ckpt.manifest.createdAt };
    if (target === 'download') return { json, weights: ckpt.data };
    await storeCheckpoint({ json, weights: ckpt.data, summary });
    return summary;
  }

  loadCheckpoint(from: { files: File[] } | { url: string } | 'indexeddb'): Promise<CheckpointSummary> {
    return this.serial(async () => {
      await this.started();
      const ckpt = await this.readCheckpoint(from);
      const next = TrainingSession.fromCheckpoint(ckpt, this.yieldToEventLoop);
      const { imageSize, channels } = next.config;
      if (imageSize !== 28 || channels !== 1) {
        await next.dispose();
        throw new CheckpointError(`the lab works with 28×28 grey images; this checkpoint's model takes ${imageSize}×${imageSize}×${channels}`);
      }
      // Only now, with a good checkpoint in hand, is the old model let go.
      const old = this.session;
      this.session = next;
      await old?.dispose();
      this.sessionEvents.progress(next.progress());
      return { preset: next.presetName, steps: next.step, createdAt: ckpt.manifest.createdAt };
    });
  }

  private async readCheckpoint(from: { files: File[] } | { url: string } | 'indexeddb'): Promise<Checkpoint> {
    if (from === 'indexeddb') {
      const stored = await readStoredCheckpoint();
      if (!stored) throw new CheckpointError('no checkpoint has been saved in this browser yet');
      return parseCheckpoint(stored.json, stored.weights);
    }
    if (typeof from === 'object' && from !== null && 'url' in from) {
      const ckpt = await fetchCheckpoint(from.url);
      if (!ckpt) throw new CheckpointError(`no checkpoint at ${checkpointJsonUrl(from.url).href}`);
      return ckpt;
    }
    if (typeof from === 'object' && from !== null && 'files' in from) return checkpointFromFiles(from.files);
    throw new RangeError('loadCheckpoint expects { files }, { url } or "indexeddb"');
  }

  numTensors(): number {
    return tf.memory().numTensors;
  }

  memory(): LabMemory {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  }

  // ---- editing: inpainting and SDEdit (the logic is in host-editing.ts) ----------------------

  inpaint(request: import('../lab-api').InpaintRequest, job: StreamJob): Promise<import('../lab-api').EditResult> {
    return runInpaint(this.editingHost(), request, job);
  }

  sdedit(request: import('../lab-api').SdeditRequest, job: StreamJob): Promise<import('../lab-api').EditResult> {
    return runSdedit(this.editingHost(), request, job);
  }

  private editingHost(): EditingHost {
    return {
      started: () => this.started(),
      hasTrained: () => this.session !== null,
      trained: () => {
        const s = this.trainedSession();
        return { model: s.ema, scheduler: { ...s.scheduler.config } };
      },
      shipped: async () => {
        const { model, manifest } = await this.shippedModel();
        return { model, scheduler: manifest.scheduler ?? {} };
      },
      yieldToEventLoop: this.yieldToEventLoop,
    };
  }

  // ---- latent diffusion (the logic is in host-latent.ts) -------------------------------------

  private latent: import('./host-latent').LatentHost | null = null;

  private latentHost(): import('./host-latent').LatentHost {
    this.latent ??= new LatentHost({
      assetsBase: async () => (await this.started()).assetsBase,
      pixel: async () => {
        const { model, manifest } = await this.shippedModel();
        return { config: model.model.config, manifest };
      },
      yieldToEventLoop: this.yieldToEventLoop,
    });
    return this.latent;
  }

  latentInfo(model: import('../lab-api').LatentModelName): Promise<import('../lab-api').LatentInfo> {
    return this.latentHost().info(model);
  }

  latentReconstruct(request: import('../lab-api').LatentReconstructRequest): Promise<import('../lab-api').LatentReconstruction> {
    return this.latentHost().reconstruct(request);
  }

  latentSample(request: import('../lab-api').LatentSampleRequest): Promise<import('../lab-api').LatentSampleResult> {
    return this.latentHost().sample(request);
  }
}
