/**
 * The reference MNIST classifier: a small all-convolutional network (strided convolutions instead
 * of pooling, Springenberg et al. 2015, "Striving for Simplicity") with ReLU, a dense feature
 * layer and a linear read-out:
 *
 *   stem conv3×3 (28×28) → [stride-2 conv3×3 → conv3×3] per stage (14×14, 7×7)
 *   → flatten → dense(featureDim) + ReLU  ← features() for classifier-FID / KID
 *   → dense(numClasses)                   ← logits()
 *
 * Raw tfjs ops on tf.Variables, like the U-Net, and only ops with gradients on every backend of
 * src/backend (conv2d, pad, matMul, add, relu, reshape, mul): downsampling pads one pixel on every
 * side and convolves with stride 2 ('valid'), as src/model/ops.ts does, rather than pooling.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/rng';
import { downsampleConv, convSame, dense } from '../model/ops';
import { DEFAULT_CLASSIFIER_CONFIG, finalSide, validateClassifierConfig, type ClassifierConfig } from './config';
import { VariableModel, type ParamSpec } from '../model/variable-model';

/** Variable names, shapes and initialisers in forward order. */
export function classifierParamSpecs(config: ClassifierConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  // He initialisation for layers followed by ReLU (He et al. 2015, eq. 10), Glorot for the read-out.
  const conv = (name: string, cin: number, cout: number): void => {
    specs.push({ name: `${name}.kernel`, shape: [3, 3, cin, cout], init: { kind: 'he', fanIn: 9 * cin } });
    specs.push({ name: `${name}.bias`, shape: [cout], init: { kind: 'zeros' } });
  };
  conv('stem', 1, config.stemChannels);
  let cin = config.stemChannels;
  config.stageChannels.forEach((c, i) => {
    conv(`stage.${i}.down`, cin, c);
    conv(`stage.${i}.conv`, c, c);
    cin = c;
  });
  const side = finalSide(config);
  const flat = side * side * cin;
  specs.push({ name: 'features.kernel', shape: [flat, config.featureDim], init: { kind: 'he', fanIn: flat } });
  specs.push({ name: 'features.bias', shape: [config.featureDim], init: { kind: 'zeros' } });
  specs.push({
    name: 'logits.kernel',
    shape: [config.featureDim, config.numClasses],
    init: { kind: 'glorot', fanIn: config.featureDim, fanOut: config.numClasses },
  });
  specs.push({ name: 'logits.bias', shape: [config.numClasses], init: { kind: 'zeros' } });
  return specs;
}

export interface ForwardOptions {
  /**
   * Dropout (Srivastava et al. 2014) on the features during training: a [B, featureDim] mask of
   * 0 / (1/keep) values made by the caller (see dropoutMask), so it is seeded and backend-neutral.
   */
  featureMask?: tf.Tensor2D;
}

export class MnistClassifier extends VariableModel {
  readonly config: ClassifierConfig;

  constructor(config: ClassifierConfig = DEFAULT_CLASSIFIER_CONFIG, seed = 0) {
    const checked = validateClassifierConfig(config);
    super('MnistClassifier', classifierParamSpecs(checked), seed);
    this.config = checked;
  }

  /** Penultimate features [B, featureDim] (after ReLU) for images [B, S, S, 1] in [-1, 1]. */
  features(x: tf.Tensor4D, options: ForwardOptions = {}): tf.Tensor2D {
    this.checkImages(x, this.config.imageSize);
    return tf.tidy(() => {
      let h = tf.relu(convSame(x, this.v4('stem.kernel'), this.v1('stem.bias')));
      this.config.stageChannels.forEach((_, i) => {
        h = tf.relu(downsampleConv(h, this.v4(`stage.${i}.down.kernel`), this.v1(`stage.${i}.down.bias`)));
        h = tf.relu(convSame(h, this.v4(`stage.${i}.conv.kernel`), this.v1(`stage.${i}.conv.bias`)));
      });
      const [b, hh, ww, c] = h.shape;
      const flat = tf.reshape(h, [b, hh * ww * c]) as tf.Tensor2D;
      const f = tf.relu(dense(flat, this.v2('features.kernel'), this.v1('features.bias')));
      return options.featureMask ? tf.mul(f, options.featureMask) : f;
    });
  }

  /** Class logits [B, numClasses]. */
  logits(x: tf.Tensor4D, options: ForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => this.head(this.features(x, options)));
  }

  /** Both outputs from one pass. The caller owns both tensors. */
  forward(x: tf.Tensor4D, options: ForwardOptions = {}): { features: tf.Tensor2D; logits: tf.Tensor2D } {
    const features = this.features(x, options);
    const logits = tf.tidy(() => this.head(features));
    return { features, logits };
  }

  /** The read-out layer applied to features. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => dense(features, this.v2('logits.kernel'), this.v1('logits.bias')));
  }
}

/** A dropout mask [rows, cols]: 0 with probability `rate`, else 1 / (1 − rate) (inverted dropout). */
export function dropoutMask(rows: number, cols: number, rate: number, rng: Rng): tf.Tensor2D {
  const keep = 1 - rate;
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() < keep ? 1 / keep : 0;
  return tf.tensor2d(values, [rows, cols]);
}
