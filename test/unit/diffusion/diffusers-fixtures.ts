/**
 * The deterministic inputs of diffusers' scheduler tests, rebuilt for tfjs.
 *
 * Source: `SchedulerCommonTest` in huggingface/diffusers tests/schedulers/test_schedulers.py
 * @ 0074feb0ca8be084e182c85ff345db64c14e023b (`dummy_sample_deter`, `dummy_model`); that stored
 * version predates `dummy_noise_deter`, which is taken from the same file in the diffusers fork
 * hlky/diffusers @ dbed0d07eb489e7260a793837f4804ca53648c07.
 *
 * Tensors keep diffusers' logical NCHW layout [4, 3, 8, 8]; the schedulers are elementwise, and
 * C order over that shape is the order in which torch fills `torch.randn(model_output.shape)`.
 */
import * as tf from '@tensorflow/tfjs';
import { TorchCpuGenerator } from './torch-randn';

export const BATCH = 4;
export const CHANNELS = 3;
export const HEIGHT = 8;
export const WIDTH = 8;
export const SHAPE = [BATCH, CHANNELS, HEIGHT, WIDTH];
export const NUM_ELEMS = BATCH * CHANNELS * HEIGHT * WIDTH;

/**
 * `torch.arange(n)` (flipped for the noise), reshaped to (C, H, W, B), divided by n and permuted
 * to (B, C, H, W): element [b, c, h, w] is (c·H·W·B + h·W·B + w·B + b) / n.
 */
function arangePermuted(flip: boolean): tf.Tensor {
  const data = new Float32Array(NUM_ELEMS);
  for (let b = 0; b < BATCH; b++) {
    for (let c = 0; c < CHANNELS; c++) {
      for (let h = 0; h < HEIGHT; h++) {
        for (let w = 0; w < WIDTH; w++) {
          const source = ((c * HEIGHT + h) * WIDTH + w) * BATCH + b;
          const value = flip ? NUM_ELEMS - 1 - source : source;
          data[((b * CHANNELS + c) * HEIGHT + h) * WIDTH + w] = value / NUM_ELEMS;
        }
      }
    }
  }
  return tf.tensor(data, SHAPE, 'float32');
}

/** diffusers' `dummy_sample_deter`. */
export function dummySampleDeter(): tf.Tensor {
  return arangePermuted(false);
}

/** diffusers' `dummy_noise_deter`. */
export function dummyNoiseDeter(): tf.Tensor {
  return arangePermuted(true);
}

/** diffusers' `dummy_model`: sample · t / (t + 1), in float32. */
export function dummyModel(sample: tf.Tensor, t: number): tf.Tensor {
  return tf.tidy(() => tf.div(tf.mul(sample, t), t + 1));
}

/** `torch.sum(torch.abs(x))` and `torch.mean(torch.abs(x))`. */
export function absSumAndMean(x: tf.Tensor): { sum: number; mean: number } {
  const sum = tf.tidy(() => tf.sum(tf.abs(x)).dataSync()[0]);
  return { sum, mean: sum / x.size };
}

/** Step noise as diffusers draws it after `torch.manual_seed(0)`, one `randn` per call. */
export function torchNoiseSource(seed = 0): () => tf.Tensor {
  const generator = new TorchCpuGenerator(seed);
  return () => tf.tensor(generator.randn(NUM_ELEMS), SHAPE, 'float32');
}

/** One reproduced diffusers expectation, for the summary each test file prints. */
export interface Reproduced {
  test: string;
  quantity: string;
  expected: number | string;
  achieved: number | string;
  tolerance: string;
}

/** Prints the table of reproduced expectations (expected vs achieved) to the test log. */
export function printReproduced(title: string, rows: readonly Reproduced[]): void {
  const lines = rows.map(
    (r) => `  ${r.test} | ${r.quantity} | expected ${String(r.expected)} | achieved ${String(r.achieved)} | tol ${r.tolerance}`,
  );
  console.info(`${title}\n${lines.join('\n')}`);
}
