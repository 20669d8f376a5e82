/**
 * The page-level lab that widgets talk to: one per page, shared by every widget on it. The
 * tensors live in a Web Worker (training and sampling never block the page); the page gets
 * plain arrays back. Widgets render and forward events; all maths happens behind this API.
 *
 * Images crossing this API are Float32Array of N×28×28 values in [-1, 1], row-major.
 */
import type { BackendChoice } from '../training/backend-choice';
import type { BackendName, BackendPreference } from '../backend/names';

export interface LabOptions {
  /** Backend preference: 'auto' (webgpu → webgl → wasm → cpu) or a name. */
  backend?: BackendPreference;
  /** Base URL of the assets folder (MNIST subset, checkpoints, classifier), ending in '/'. */
  assetsBase?: string;
  /** Base URL of tfjs' .wasm files, ending in '/' (a prebuilt bundle may need it). */
  wasmBase?: string;
  /**
   * Workers that share each training batch (data-parallel, on wasm and cpu): 'auto' (default) is
   * one per core, at most 4 and about one per GiB of device memory; a fixed count gives a
   * reproducible run. GPU backends train in one worker.
   */
  workers?: number | 'auto';
}

export interface LabStatus {
  backend: BackendName;
  /** Why this backend, and why not the ones before it. */
  reason: string;
  tried: Array<{ name: BackendName; ok: boolean; reason?: string }>;
  /**
   * With backend 'auto': the timed training step on each usable backend behind the choice
   * (src/training/backend-choice.ts), measured now or remembered for this device.
   */
  choice?: BackendChoice & { remembered: boolean };
}

/** Which model a request uses: the shipped checkpoint or the one trained on this page. */
export type ModelSource = 'shipped' | 'trained';

export interface ModelInfo {
  source: ModelSource;
  preset: string;
  params: number;
  flopsPerImage: number;
  trainingSteps: number;
  scheduler: Record<string, unknown>;
  /** Architecture rows for lessons (name, output shape, params). */
  layers: Array<{ name: string; shape: number[]; params: number; flops: number }>;
}

export interface TrainSettings {
  preset: 'live' | 'tiny' | 'small';
  /**
   * Images per step: a whole number, or 'auto' for the live recipe's share per worker
   * (src/training/live-recipe.ts, liveBatchSize), resolved when the run starts and knows its workers.
   */
  batchSize: number | 'auto';
  learningRate: number;
  /** Total steps to reach. */
  steps: number;
  labelDropout: number;
  seed: number;
  /** Draw a grid of samples every this many steps (0 = never). */
  sampleEvery: number;
  /** Samples in that grid. */
  sampleCount: number;
}

/** The settings a run trains with: TrainSettings with the batch resolved to a number. */
export type RunSettings = Omit<TrainSettings, 'batchSize'> & { batchSize: number };

export type TrainState = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface TrainProgress {
  state: TrainState;
  step: number;
  totalSteps: number;
  /** Latest mean loss (NaN before the first read). */
  loss: number;
  stepsPerSecond: number;
  etaSeconds: number;
  /** New loss points since the last event: [step, loss]. */
  newLosses: Array<[number, number]>;
  settings: RunSettings;
  /** Workers sharing each batch (LabOptions.workers). */
  workers?: number;
  /**
   * What an 'auto' batch is for this run: 32 for each worker it started with (it keeps that batch
   * if a worker stops). Absent before the run's first step.
   */
  autoBatchSize?: number;
  /** What happened to the run without stopping it, e.g. a worker that stopped (training went on). */
  notice?: string;
}

export interface SampleRequest {
  sampler: 'ddpm' | 'ddim';
  /** Inference steps (≤ numTrainTimesteps). */
  steps: number;
  /** DDIM η (0 deterministic, 1 ≈ DDPM). */
  eta?: number;
  /** Guidance weight w, paper convention ε̃ = (1+w)ε(x,c) − wε(x); 0 = no guidance. */
  guidance?: number;
  /** Class label 0–9, or null for unconditional. One label for all, or one per image. */
  label?: number | null | Array<number | null>;
  count: number;
  /** x_T is drawn from this seed alone, so every sampler with the same seed starts from the same noise. */
  seed: number;
  source?: ModelSource;
  /** Send x_t and the predicted x̂₀ at every step (for scrubbing). */
  recordSteps?: boolean;
  // ---- classifier guidance (src/classifier/noisy-guidance.ts) ----
  /**
   * What turns `label` into guidance. 'cfg' (default): the U-Net sees the label and `guidance` is
   * the CFG weight w. 'classifier': the U-Net runs unconditionally and the shipped noise-aware
   * classifier's gradient steers it to `label` (Dhariwal & Nichol 2021, eq. 14) with
   * `classifierScale`; `guidance` must then be 0 (the two are not mixed in one request).
   */
  guidanceKind?: 'cfg' | 'classifier';
  /** Classifier gradient scale s ≥ 0 for guidanceKind 'classifier' (0 = the unconditional samples). */
  classifierScale?: number;
}

export interface SampleStep {
  /** 0-based index of this step. */
  index: number;
  total: number;
  timestep: number;
  xt: Float32Array;
  x0: Float32Array;
}

export interface SampleResult {
  images: Float32Array;
  count: number;
  /** Network evaluations (a guided step batches conditional and unconditional as one 2B pass: counted as 2). */
  nfe: number;
  wallMs: number;
  /** x_T, for display. */
  xT: Float32Array;
}

export interface Classification {
  labels: Int32Array;
  confidence: Float32Array;
}

export interface CheckpointSummary {
  preset: string;
  steps: number;
  createdAt: string;
}

export interface LabEvents {
  'train-progress': TrainProgress;
  'train-samples': { step: number; images: Float32Array; count: number };
  'train-error': { message: string };
  'backend': LabStatus;
}

/** A long request's page-side extras: its steps as they happen, and a signal that cancels it. */
export interface StreamOptions {
  /** Receives every step when the request sets recordSteps. */
  onStep?: (step: SampleStep) => void;
  /** Aborting rejects the request with an AbortError; the worker stops before its next step. */
  signal?: AbortSignal;
}

/** tf.memory() inside the lab's worker: every tensor the lab holds, and their bytes. */
export interface LabMemory {
  numTensors: number;
  numBytes: number;
}

/**
 * The pixel-space model's requests: its description, the training run on this page, sampling,
 * the reference classifier, checkpoints and the tensor counts for leak checks.
 */
export interface PixelModelRequests {
  modelInfo(source: ModelSource): Promise<ModelInfo>;

  startTraining(settings: TrainSettings): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  /** Throws away the trained model (the UI asks first). */
  resetTraining(): Promise<void>;
  trainProgress(): Promise<TrainProgress | null>;

  /** Samples; onStep receives every step when recordSteps is set. Rejects with AbortError on abort. */
  sample(request: SampleRequest, opts?: StreamOptions): Promise<SampleResult>;
  /** Reference-classifier labels and confidences for images. */
  classify(images: Float32Array, count: number): Promise<Classification>;

  /** Save the trained model: returns the files' bytes (for a download) or stores it in IndexedDB. */
  saveCheckpoint(target: 'download' | 'indexeddb'): Promise<{ json: string; weights: ArrayBuffer } | CheckpointSummary>;
  /** Loads a checkpoint as the 'trained' model; a bad checkpoint is refused and the old model stays. */
  loadCheckpoint(from: { files: File[] } | { url: string } | 'indexeddb'): Promise<CheckpointSummary>;

  /** tf.memory().numTensors inside the lab (for leak checks). */
  numTensors(): Promise<number>;
  /** The worker's tensor count and bytes (for leak checks). */
  memory(): Promise<LabMemory>;
}

// ---- Editing with a trained model: inpainting and SDEdit (src/lab/editing.ts) ----

/** "replacement" (Song et al. 2021, App. I.2) or "repaint" (Lugmayr et al. 2022, Algorithm 1). */
export type InpaintMethod = 'replacement' | 'repaint';

interface EditRequestBase {
  /** The image to edit: one 28×28 image, values in [-1, 1]. */
  image: Float32Array;
  sampler: 'ddpm' | 'ddim';
  /** Sampler steps of a full run (≤ numTrainTimesteps). */
  steps: number;
  /** DDIM η (0 deterministic, 1 ≈ DDPM). */
  eta?: number;
  /** Guidance weight w (paper convention); needs a label. */
  guidance?: number;
  /** Class label 0–9 for every result, or null for none. */
  label?: number | null;
  /** Results to make; result i uses seed + i, so each can be reproduced alone. */
  count: number;
  seed: number;
  source?: ModelSource;
  /** Send x_t and x̂₀ of every network step (through onStep). */
  recordSteps?: boolean;
}

export interface InpaintRequest extends EditRequestBase {
  /** 28×28 values in [0, 1]: 1 where the model fills in, 0 where the image is kept. */
  mask: Float32Array;
  method: InpaintMethod;
  /** RePaint's jump length j (1 … steps − 1; default 10). */
  jumpLength?: number;
  /** RePaint's resample count r (≥ 1; default 10; 1 = replacement). */
  resampleCount?: number;
}

export interface SdeditRequest extends EditRequestBase {
  /** 0 … 1: t₀ = the first of the last ⌊steps·strength⌋ timesteps (diffusers' img2img `strength`). */
  strength: number;
}

export interface EditResult {
  images: Float32Array;
  count: number;
  /** Network steps taken (RePaint counts its repeats). */
  steps: number;
  /** Network evaluations per image (two per guided step). */
  nfe: number;
  wallMs: number;
  /** Timestep of the first step (SDEdit's t₀), or null when none ran. */
  startTimestep: number | null;
  /** Where each result started: x_T (inpainting) or the noised input x_{t₀} (SDEdit). */
  xStart: Float32Array;
}

/** Editing an image with a trained model (the worker's side is host-editing.ts). */
export interface EditingRequests {
  /** Fills the masked region of an image; onStep receives every step when recordSteps is set. Rejects with AbortError on abort. */
  inpaint(request: InpaintRequest, opts?: StreamOptions): Promise<EditResult>;
  /** SDEdit: noises an image to t₀ and denoises it. Strength 0 returns the image unchanged. */
  sdedit(request: SdeditRequest, opts?: StreamOptions): Promise<EditResult>;
}

// ---- Latent diffusion (src/latent; the worker's side is host-latent.ts) ----

export type {
  LatentInfo,
  LatentModelName,
  LatentReconstructRequest,
  LatentReconstruction,
  LatentSampleRequest,
  LatentSampleResult,
} from '../latent/latent-api';

/** Latent diffusion: the shipped autoencoder and latent models. */
export interface LatentRequests {
  /** The shipped autoencoder and latent model `model`, with the pixel model beside them: sizes, FLOPs, measured quality. */
  latentInfo(model: import('../latent/latent-api').LatentModelName): Promise<import('../latent/latent-api').LatentInfo>;
  /** Test digits, their scaled latents and the autoencoder's reconstructions. */
  latentReconstruct(request: import('../latent/latent-api').LatentReconstructRequest): Promise<import('../latent/latent-api').LatentReconstruction>;
  /** Samples in latent space and decodes them; the wall time covers both. */
  latentSample(request: import('../latent/latent-api').LatentSampleRequest): Promise<import('../latent/latent-api').LatentSampleResult>;
}

// ---- The page's lab ----

/**
 * Every request the page's lab answers from its worker. protocol.ts's LAB_METHODS gives each its
 * kind; the client, the messages and the worker's dispatch all follow from this interface.
 */
export interface LabRequests extends PixelModelRequests, EditingRequests, LatentRequests {}

export interface Lab extends LabRequests {
  /** Starts the worker and the backend (once); resolves with the chosen backend. */
  ready(): Promise<LabStatus>;
  addEventListener<K extends keyof LabEvents>(type: K, listener: (e: CustomEvent<LabEvents[K]>) => void): void;
  removeEventListener<K extends keyof LabEvents>(type: K, listener: (e: CustomEvent<LabEvents[K]>) => void): void;
  /** Stops the worker: requests in flight and every later one reject. */
  dispose(): void;
}
