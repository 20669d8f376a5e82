/**
 * A small U-Net noise predictor ε_θ(x_t, t, y) for 28×28 images (Ho et al. 2020, "Denoising
 * Diffusion Probabilistic Models", §4 and App. B, scaled down), with an optional class label for
 * classifier-free guidance (Ho & Salimans 2022).
 *
 * Written with raw tfjs ops on tf.Variables rather than tf.layers, so that (a) every op used has a
 * gradient that src/backend can guarantee on every backend (see ops.ts for the op set), and
 * (b) the variables have stable, readable names for checkpoints. The layout, variable shapes,
 * initialisers and FLOP counts come from plan.ts; describe.ts counts them without tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { validateUNetConfig, type UNetConfig } from './config';
import { describeUNet, type UNetDescription } from './describe';
import { convSame, dense, downsampleConv, groupNorm, selfAttention, silu, timestepFeatures, upsampleNearest2x } from './ops';
import { planUNet, unetVariableSpecs, type PlanStep, type UNetPlan } from './plan';
import { VariableModel } from './variable-model';

export { describeUNet };
export type { UNetDescription };

/** setWeights was given a map that does not fit the model; `missing`, `unexpected`, `mismatched` say why. */
export class UNetWeightsError extends Error {
  readonly missing: string[];
  readonly unexpected: string[];
  readonly mismatched: string[];

  constructor(missing: string[], unexpected: string[], mismatched: string[]) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing: ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected: ${unexpected.join(', ')}`);
    if (mismatched.length) parts.push(`mismatched: ${mismatched.join('; ')}`);
    super(`UNet.setWeights: weights do not fit this model (nothing was changed). ${parts.join(' | ')}`);
    this.name = 'UNetWeightsError';
    this.missing = missing;
    this.unexpected = unexpected;
    this.mismatched = mismatched;
  }
}

/**
 * Its `variables` are every trainable variable, in forward order, under names like
 * "down.0.res.0.conv1.kernel"; weight handling and disposal come from VariableModel.
 */
/**
 * Folds each p×p patch of pixels into channels: [B, H, W, C] → [B, H/p, W/p, p·p·C], channel
 * index (dy·p + dx)·C + c. Reshapes and one transpose, whose gradients tfjs has on every backend.
 */
export function spaceToDepth(x: tf.Tensor4D, p: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const split = tf.reshape(x, [b, h / p, p, w / p, p * c]);
    // [B, H/p, dy, W/p, dx·C] → [B, H/p, W/p, dy, dx·C]
    return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4]), [b, h / p, w / p, p * p * c]);
  });
}

/** The inverse of spaceToDepth: [B, h, w, p·p·C] → [B, h·p, w·p, C]. */
export function depthToSpace(x: tf.Tensor4D, p: number, channels: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  return tf.tidy(() => {
    const split = tf.reshape(x, [b, h, w, p, p * channels]);
    return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4]), [b, h * p, w * p, channels]);
  });
}

export class UNet extends VariableModel {
  readonly config: UNetConfig;
  private readonly plan: UNetPlan;
  private readonly description: UNetDescription;

  /** Builds the network with deterministic initial weights: the same seed gives the same weights. */
  constructor(config: UNetConfig, seed: number) {
    const valid = validateUNetConfig(config);
    const plan = planUNet(valid);
    super('UNet', unetVariableSpecs(plan), seed);
    this.config = valid;
    this.plan = plan;
    this.description = describeUNet(valid);
  }

  /**
   * Predicts the noise for images x [B, S, S, C] at timesteps t [B] (float32 or int32, in [0, T))
   * with labels [B] (int32 in [0, numClasses]; numClasses is the null label). Labels omitted or
   * null mean the null label for every image; an unconditional model (numClasses = 0) ignores
   * labels. Returns a tensor shaped like x; intermediate tensors are freed (tidy inside).
   */
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D {
    this.assertLive();
    const { imageSize, channels } = this.config;
    const [b, h, w, c] = x.shape;
    if (x.rank !== 4 || h !== imageSize || w !== imageSize || c !== channels) {
      throw new Error(`UNet.apply: x must be [B, ${imageSize}, ${imageSize}, ${channels}], got [${x.shape.join(', ')}]`);
    }
    if (t.rank !== 1 || t.shape[0] !== b) {
      throw new Error(`UNet.apply: t must be [${b}] (one timestep per image), got [${t.shape.join(', ')}]`);
    }
    if (labels && (labels.rank !== 1 || labels.shape[0] !== b)) {
      throw new Error(`UNet.apply: labels must be [${b}] (one label per image), got [${labels.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const emb = silu(this.embedding(t, labels ?? null, b));
      const p = this.config.patchSize ?? 1;
      const input = p > 1 ? spaceToDepth(x, p) : x;
      // The image needs no gradient: a plain convolution skips computing one.
      let hidden = convSame(input, this.v4('in.conv.kernel'), this.v1('in.conv.bias'), { inputNeedsGradient: false });
      const skips: tf.Tensor4D[] = [hidden];
      for (const step of this.plan.steps) {
        hidden = this.runStep(step, hidden, emb, skips);
      }
      const out = silu(groupNorm(hidden, this.v1('out.norm.gamma'), this.v1('out.norm.beta'), this.config.groups));
      const y = convSame(out, this.v4('out.conv.kernel'), this.v1('out.conv.bias'));
      return p > 1 ? depthToSpace(y, p, channels) : y;
    });
  }

  /** Forward FLOPs per image, 2 × multiply-adds; what is counted is listed in describe.ts. */
  flopsPerImage(): number {
    return this.description.flopsPerImage;
  }

  protected override weightsError(missing: string[], unexpected: string[], mismatched: string[]): Error {
    return new UNetWeightsError(missing, unexpected, mismatched);
  }

  // ---- forward pieces --------------------------------------------------------------------------

  /**
   * Timestep MLP on sinusoidal features (DDPM: dense → SiLU → dense), plus the label's embedding
   * row. The lookup is one-hot × matrix rather than tf.gather, whose gradient is missing on some
   * backends; a label out of range gives an all-zero one-hot row, i.e. no label term.
   */
  private embedding(t: tf.Tensor1D, labels: tf.Tensor1D | null, batch: number): tf.Tensor2D {
    const { timeEmbedDim, numClasses } = this.config;
    let emb = timestepFeatures(t, timeEmbedDim);
    emb = silu(dense(emb, this.v2('time.dense1.kernel'), this.v1('time.dense1.bias')));
    emb = dense(emb, this.v2('time.dense2.kernel'), this.v1('time.dense2.bias'));
    if (numClasses > 0) {
      const ids = labels ? tf.cast(labels, 'int32') : tf.fill([batch], numClasses, 'int32');
      const oneHot = tf.oneHot(ids as tf.Tensor1D, numClasses + 1, 1, 0, 'float32') as tf.Tensor2D;
      emb = tf.add(emb, tf.matMul(oneHot, this.v2('label.embedding')));
    }
    return emb;
  }

  private runStep(step: PlanStep, x: tf.Tensor4D, emb: tf.Tensor2D, skips: tf.Tensor4D[]): tf.Tensor4D {
    const n = step.name;
    switch (step.kind) {
      case 'res': {
        let input = x;
        if (step.skipChannels > 0) {
          const skip = skips.pop();
          if (!skip) throw new Error('UNet: skip stack is empty');
          input = tf.concat([x, skip], 3);
        }
        const out = this.resBlock(n, input, emb, step.inChannels !== step.outChannels);
        if (step.pushSkip) skips.push(out);
        return out;
      }
      case 'downsample': {
        const out = downsampleConv(x, this.v4(`${n}.kernel`), this.v1(`${n}.bias`));
        if (step.pushSkip) skips.push(out);
        return out;
      }
      case 'upsample':
        return upsampleNearest2x(x);
      case 'attention':
        return selfAttention(
          x,
          {
            normGamma: this.v1(`${n}.norm.gamma`),
            normBeta: this.v1(`${n}.norm.beta`),
            q: [this.v2(`${n}.q.kernel`), this.v1(`${n}.q.bias`)],
            k: [this.v2(`${n}.k.kernel`), this.v1(`${n}.k.bias`)],
            v: [this.v2(`${n}.v.kernel`), this.v1(`${n}.v.bias`)],
            proj: [this.v2(`${n}.proj.kernel`), this.v1(`${n}.proj.bias`)],
          },
          this.config.groups,
        );
    }
  }

  /**
   * DDPM residual block: GroupNorm → SiLU → conv3×3, add the projected embedding (one value per
   * channel), GroupNorm → SiLU → conv3×3, plus the input (through a 1×1 conv when the width
   * changes). DDPM's dropout is left out: the model is small and MNIST is large.
   */
  private resBlock(n: string, x: tf.Tensor4D, emb: tf.Tensor2D, project: boolean): tf.Tensor4D {
    const g = this.config.groups;
    let h = silu(groupNorm(x, this.v1(`${n}.norm1.gamma`), this.v1(`${n}.norm1.beta`), g));
    h = convSame(h, this.v4(`${n}.conv1.kernel`), this.v1(`${n}.conv1.bias`));
    const e = dense(emb, this.v2(`${n}.emb.kernel`), this.v1(`${n}.emb.bias`));
    h = tf.add(h, tf.reshape(e, [e.shape[0], 1, 1, e.shape[1]]));
    h = silu(groupNorm(h, this.v1(`${n}.norm2.gamma`), this.v1(`${n}.norm2.beta`), g));
    h = convSame(h, this.v4(`${n}.conv2.kernel`), this.v1(`${n}.conv2.bias`));
    const skip = project ? convSame(x, this.v4(`${n}.skip.kernel`), this.v1(`${n}.skip.bias`)) : x;
    return tf.add(skip, h);
  }
}
