/**
 * The noise-aware classifier p_φ(y | x_t, t) for classifier guidance (Dhariwal & Nichol 2021,
 * sec. 4: "we train a classifier p_φ(y | x_t, t) on noisy images x_t and then use gradients
 * ∇_{x_t} log p_φ(y | x_t, t) to guide the diffusion sampling process").
 *
 *   stem conv3×3 → GroupNorm → + emb(t) → SiLU                       (28×28)
 *   per stage: stride-2 conv3×3 → GroupNorm → + emb(t) → SiLU
 *              conv3×3 → GroupNorm → SiLU                             (14×14, 7×7)
 *   → global mean pool → dense(numClasses)                            ← logits
 *
 * emb(t) = SiLU(dense(sinusoidal features of t)) with one dense projection per layer that adds a
 * per-channel shift, the way the U-Net's residual blocks take t (Ho et al. 2020, App. B). SiLU
 * rather than ReLU: the guidance uses the gradient with respect to the input, and a smooth network
 * gives a smooth gradient field. Raw tfjs ops on tf.Variables (the ops of src/model/ops.ts), so
 * training and input gradients work on every backend of src/backend.
 */
import * as tf from '@tensorflow/tfjs';
import { convSame, dense, downsampleConv, groupNorm, silu, timestepFeatures } from '../model/ops';
import { DEFAULT_NOISY_CLASSIFIER_CONFIG, validateNoisyClassifierConfig, type NoisyClassifierConfig } from './noisy-config';
import { VariableModel, type ParamSpec } from '../model/variable-model';
import type { NoisyClassifierLike } from '../diffusion/classifier-guidance';

/** Variable names, shapes and initialisers in forward order. */
export function noisyClassifierParamSpecs(config: NoisyClassifierConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const d = config.timeEmbedDim;
  // He initialisation for layers followed by a ReLU-like activation (He et al. 2015, eq. 10).
  const conv = (name: string, cin: number, cout: number): void => {
    specs.push({ name: `${name}.kernel`, shape: [3, 3, cin, cout], init: { kind: 'he', fanIn: 9 * cin } });
    specs.push({ name: `${name}.bias`, shape: [cout], init: { kind: 'zeros' } });
    specs.push({ name: `${name}.norm.gamma`, shape: [cout], init: { kind: 'ones' } });
    specs.push({ name: `${name}.norm.beta`, shape: [cout], init: { kind: 'zeros' } });
  };
  const emb = (name: string, cout: number): void => {
    specs.push({ name: `${name}.emb.kernel`, shape: [d, cout], init: { kind: 'glorot', fanIn: d, fanOut: cout } });
    specs.push({ name: `${name}.emb.bias`, shape: [cout], init: { kind: 'zeros' } });
  };
  specs.push({ name: 'time.dense.kernel', shape: [d, d], init: { kind: 'glorot', fanIn: d, fanOut: d } });
  specs.push({ name: 'time.dense.bias', shape: [d], init: { kind: 'zeros' } });
  conv('stem', 1, config.stemChannels);
  emb('stem', config.stemChannels);
  let cin = config.stemChannels;
  config.stageChannels.forEach((c, i) => {
    conv(`stage.${i}.down`, cin, c);
    emb(`stage.${i}.down`, c);
    conv(`stage.${i}.conv`, c, c);
    cin = c;
  });
  specs.push({ name: 'logits.kernel', shape: [cin, config.numClasses], init: { kind: 'glorot', fanIn: cin, fanOut: config.numClasses } });
  specs.push({ name: 'logits.bias', shape: [config.numClasses], init: { kind: 'zeros' } });
  return specs;
}

export class NoisyClassifier extends VariableModel implements NoisyClassifierLike {
  readonly config: NoisyClassifierConfig;

  constructor(config: NoisyClassifierConfig = DEFAULT_NOISY_CLASSIFIER_CONFIG, seed = 0) {
    const checked = validateNoisyClassifierConfig(config);
    super('NoisyClassifier', noisyClassifierParamSpecs(checked), seed);
    this.config = checked;
  }

  /** Class logits [B, numClasses] for x_t [B, S, S, 1] (values around [-1, 1]) at timesteps t [B]. */
  logits(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor2D {
    this.checkInput(x, t);
    const g = this.config.groups;
    return tf.tidy(() => {
      const emb = silu(dense(timestepFeatures(t, this.config.timeEmbedDim), this.v2('time.dense.kernel'), this.v1('time.dense.bias')));
      const layer = (h: tf.Tensor4D, name: string, down: boolean, withTime: boolean): tf.Tensor4D => {
        const k = this.v4(`${name}.kernel`);
        const b = this.v1(`${name}.bias`);
        let out = groupNorm(down ? downsampleConv(h, k, b) : convSame(h, k, b), this.v1(`${name}.norm.gamma`), this.v1(`${name}.norm.beta`), g);
        if (withTime) {
          const shift = dense(emb, this.v2(`${name}.emb.kernel`), this.v1(`${name}.emb.bias`));
          out = tf.add(out, tf.reshape(shift, [shift.shape[0], 1, 1, shift.shape[1]]));
        }
        return silu(out);
      };
      let h = layer(x, 'stem', false, true);
      this.config.stageChannels.forEach((_, i) => {
        h = layer(h, `stage.${i}.down`, true, true);
        h = layer(h, `stage.${i}.conv`, false, false);
      });
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return dense(pooled, this.v2('logits.kernel'), this.v1('logits.bias'));
    });
  }

  private checkInput(x: tf.Tensor4D, t: tf.Tensor1D): void {
    this.checkImages(x, this.config.imageSize);
    if (t.rank !== 1 || t.shape[0] !== x.shape[0]) {
      throw new Error(`NoisyClassifier: t must hold one timestep per image ([${x.shape[0]}]), got [${t.shape.join(', ')}]`);
    }
  }
}
