/**
 * The classifier's training run: epochs of shuffled minibatches, a validation pass after each,
 * early stopping when validation accuracy has not improved for `patience` epochs, and the best
 * weights restored at the end (Prechelt 1998, "Early Stopping — But When?"). Host-neutral: the
 * caller supplies the data as MnistDataset objects and receives progress through callbacks.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import type { MnistDataset } from '../data/mnist';
import { ClassifierTrainer, evaluateClassifier, type ClassifierTrainerOptions } from './train';
import type { MnistClassifier } from './model';

export interface FitOptions {
  maxEpochs: number;
  /** Epochs without a better validation accuracy before stopping. */
  patience: number;
  batchSize: number;
  /** Learning rate of epoch e is learningRate · lrDecay^e (step decay per epoch). */
  lrDecay: number;
  trainer: Partial<ClassifierTrainerOptions>;
  /** Read the loss back every this many steps (for progress). */
  lossReadEvery: number;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  maxEpochs: 10,
  patience: 2,
  batchSize: 128,
  lrDecay: 0.7,
  trainer: {},
  lossReadEvery: 20,
};

export interface EpochRecord {
  epoch: number;
  steps: number;
  /** Mean of the training losses read during the epoch. */
  trainLoss: number;
  validationAccuracy: number;
  validationLoss: number;
  learningRate: number;
  seconds: number;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestValidationAccuracy: number;
  steps: number;
  /** Why training ended. */
  stoppedBecause: 'patience' | 'max-epochs' | 'aborted';
}

export interface FitCallbacks {
  onStep?: (info: { epoch: number; step: number; stepInEpoch: number; stepsPerEpoch: number; loss: number }) => void | Promise<void>;
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  signal?: AbortSignal;
  /** Monotonic clock in milliseconds (performance.now by default). */
  now?: () => number;
}

function gatherImages(data: MnistDataset): { images: Float32Array; labels: Int32Array } {
  const all = Int32Array.from({ length: data.count }, (_, i) => i);
  const batch = data.gather(all);
  return { images: batch.images, labels: batch.labels };
}

export async function fitClassifier(
  model: MnistClassifier,
  train: MnistDataset,
  validation: MnistDataset,
  options: Partial<FitOptions> = {},
  callbacks: FitCallbacks = {},
): Promise<FitResult> {
  const opts: FitOptions = { ...DEFAULT_FIT_OPTIONS, ...options };
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > train.count) {
    throw new Error(`batch size must be an integer in [1, ${train.count}], got ${opts.batchSize}`);
  }
  const now = callbacks.now ?? (() => performance.now());
  const trainer = new ClassifierTrainer(model, opts.trainer);
  const baseLr = trainer.options.adam.learningRate ?? 1e-3;
  const orderRng = new Rng((trainer.options.seed ^ 0x5eed) >>> 0);
  const val = gatherImages(validation);
  const stepsPerEpoch = Math.floor(train.count / opts.batchSize);
  const history: EpochRecord[] = [];
  let best: tf.NamedTensorMap | null = null;
  let bestAccuracy = -1;
  let bestEpoch = -1;
  let stoppedBecause: FitResult['stoppedBecause'] = 'max-epochs';
  try {
    for (let epoch = 0; epoch < opts.maxEpochs; epoch++) {
      const started = now();
      const learningRate = baseLr * opts.lrDecay ** epoch;
      trainer.setLearningRate(learningRate);
      const order = orderRng.shuffle(Int32Array.from({ length: train.count }, (_, i) => i));
      let lossSum = 0;
      let lossCount = 0;
      let pending: tf.Scalar[] = [];
      const readLosses = async (stepInEpoch: number): Promise<void> => {
        if (pending.length === 0) return;
        const stacked = tf.stack(pending);
        const values = await stacked.data();
        stacked.dispose();
        pending.forEach((p) => p.dispose());
        pending = [];
        for (const v of values) {
          if (!Number.isFinite(v)) throw new Error(`classifier training diverged (loss ${v}) in epoch ${epoch + 1}; lower the learning rate`);
          lossSum += v;
          lossCount++;
        }
        await callbacks.onStep?.({ epoch, step: trainer.step, stepInEpoch, stepsPerEpoch, loss: values[values.length - 1] });
      };
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (callbacks.signal?.aborted) break;
        const batch = train.gather(order.subarray(s * opts.batchSize, (s + 1) * opts.batchSize));
        pending.push(trainer.trainStep(batch.images, batch.labels));
        if (pending.length >= opts.lossReadEvery) await readLosses(s + 1);
      }
      await readLosses(stepsPerEpoch);
      if (callbacks.signal?.aborted) {
        stoppedBecause = 'aborted';
        break;
      }
      const v = await evaluateClassifier(model, val.images, val.labels);
      const record: EpochRecord = {
        epoch: epoch + 1,
        steps: trainer.step,
        trainLoss: lossCount ? lossSum / lossCount : NaN,
        validationAccuracy: v.accuracy,
        validationLoss: v.loss,
        learningRate,
        seconds: (now() - started) / 1000,
      };
      history.push(record);
      await callbacks.onEpoch?.(record);
      if (v.accuracy > bestAccuracy) {
        bestAccuracy = v.accuracy;
        bestEpoch = epoch + 1;
        if (best) Object.values(best).forEach((t) => t.dispose());
        best = model.getWeights();
      } else if (epoch + 1 - bestEpoch >= opts.patience) {
        stoppedBecause = 'patience';
        break;
      }
    }
    if (best) model.setWeights(best);
  } finally {
    if (best) Object.values(best).forEach((t) => t.dispose());
    trainer.dispose();
  }
  return { history, bestEpoch, bestValidationAccuracy: bestAccuracy, steps: trainer.step, stoppedBecause };
}
