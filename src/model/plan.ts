/**
 * The U-Net's layout as plain data: which blocks run in which order, at which resolution and width,
 * which variables each layer owns (name, shape, initialiser) and how many FLOPs it costs.
 *
 * The tfjs model (unet.ts) builds its variables and walks its forward pass from this plan, and
 * `describeUNet` (describe.ts) sums it, so the parameter and FLOP counts shown in the lessons are
 * the ones of the network that trains. No tfjs here.
 *
 * Layout after Ho et al. 2020 (DDPM, Appendix B) and its reference implementation, scaled down:
 *   conv_in → per level: resBlocksPerLevel residual blocks, then a stride-2 downsample (except at
 *   the last level), every output kept for a skip connection → middle: res, (attention), res →
 *   per level in reverse: resBlocksPerLevel + 1 residual blocks, each taking one skip by channel
 *   concatenation, then a 2× upsample (except at level 0) → GroupNorm → SiLU → conv_out.
 */
import { workingChannels, workingSize, type UNetConfig } from './config';

/** How a variable starts. Fans follow Glorot & Bengio 2010 / He et al. 2015 (kernel k×k: fan = k·k·channels). */
export type InitSpec =
  | { kind: 'glorot'; fanIn: number; fanOut: number }
  | { kind: 'he'; fanIn: number }
  | { kind: 'normal'; std: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export interface VariableSpec {
  /** Full, stable name, e.g. "down.0.res.0.conv1.kernel". */
  name: string;
  shape: number[];
  init: InitSpec;
}

export interface LayerSpec {
  /** e.g. "down.0.res.0.conv1". */
  name: string;
  /** Output shape for one image: [H, W, C] for feature maps, [D] for embeddings. */
  shape: number[];
  variables: VariableSpec[];
  /** Forward FLOPs per image, 2 × multiply-adds of convolutions and matrix products. */
  flops: number;
}

export type PlanStep =
  | {
      kind: 'res';
      name: string;
      /** Input channels after concatenating the skip (if any). */
      inChannels: number;
      outChannels: number;
      size: number;
      /** Channels of the skip tensor popped and concatenated before the block (0: none). */
      skipChannels: number;
      pushSkip: boolean;
    }
  | { kind: 'downsample'; name: string; channels: number; size: number; pushSkip: boolean }
  | { kind: 'upsample'; name: string; channels: number; size: number }
  | { kind: 'attention'; name: string; channels: number; size: number };

export interface UNetPlan {
  config: UNetConfig;
  /** Steps between conv_in and the output head, in forward order. */
  steps: PlanStep[];
  /** Channels of conv_in's output (the first skip) and of the output head's input. */
  baseChannels: number;
}

/** Orders the blocks. `config` must already be validated. */
export function planUNet(config: UNetConfig): UNetPlan {
  const { baseChannels, channelMults, resBlocksPerLevel } = config;
  const imageSize = workingSize(config);
  const steps: PlanStep[] = [];
  const skips: number[] = [baseChannels];
  let ch = baseChannels;
  let size = imageSize;
  const last = channelMults.length - 1;

  channelMults.forEach((mult, level) => {
    const out = baseChannels * mult;
    for (let j = 0; j < resBlocksPerLevel; j++) {
      steps.push({ kind: 'res', name: `down.${level}.res.${j}`, inChannels: ch, outChannels: out, size, skipChannels: 0, pushSkip: true });
      ch = out;
      skips.push(ch);
    }
    if (level !== last) {
      steps.push({ kind: 'downsample', name: `down.${level}.downsample`, channels: ch, size, pushSkip: true });
      size /= 2;
      skips.push(ch);
    }
  });

  steps.push({ kind: 'res', name: 'mid.res.0', inChannels: ch, outChannels: ch, size, skipChannels: 0, pushSkip: false });
  if (config.attention) steps.push({ kind: 'attention', name: 'mid.attn', channels: ch, size });
  steps.push({ kind: 'res', name: 'mid.res.1', inChannels: ch, outChannels: ch, size, skipChannels: 0, pushSkip: false });

  for (let level = last; level >= 0; level--) {
    const out = baseChannels * channelMults[level];
    for (let j = 0; j <= resBlocksPerLevel; j++) {
      const skip = skips.pop();
      if (skip === undefined) throw new Error('planUNet: skip stack underflow');
      steps.push({ kind: 'res', name: `up.${level}.res.${j}`, inChannels: ch + skip, outChannels: out, size, skipChannels: skip, pushSkip: false });
      ch = out;
    }
    if (level !== 0) {
      steps.push({ kind: 'upsample', name: `up.${level}.upsample`, channels: ch, size });
      size *= 2;
    }
  }
  if (skips.length !== 0 || size !== imageSize || ch !== baseChannels * channelMults[0]) {
    throw new Error('planUNet: inconsistent plan');
  }
  return { config, steps, baseChannels: ch };
}

// ---- layer specs ------------------------------------------------------------------------------

function conv(name: string, k: number, cin: number, cout: number, outSize: number, init: 'glorot' | 'he'): LayerSpec {
  const fanIn = k * k * cin;
  const fanOut = k * k * cout;
  return {
    name,
    shape: [outSize, outSize, cout],
    variables: [
      { name: `${name}.kernel`, shape: [k, k, cin, cout], init: init === 'he' ? { kind: 'he', fanIn } : { kind: 'glorot', fanIn, fanOut } },
      { name: `${name}.bias`, shape: [cout], init: { kind: 'zeros' } },
    ],
    flops: 2 * outSize * outSize * k * k * cin * cout,
  };
}

/** A dense layer applied to `rows` vectors per image. */
function dense(name: string, din: number, dout: number, rows: number, outShape: number[], init: 'glorot' | 'he'): LayerSpec {
  return {
    name,
    shape: outShape,
    variables: [
      { name: `${name}.kernel`, shape: [din, dout], init: init === 'he' ? { kind: 'he', fanIn: din } : { kind: 'glorot', fanIn: din, fanOut: dout } },
      { name: `${name}.bias`, shape: [dout], init: { kind: 'zeros' } },
    ],
    flops: 2 * rows * din * dout,
  };
}

function norm(name: string, ch: number, size: number): LayerSpec {
  return {
    name,
    shape: [size, size, ch],
    variables: [
      { name: `${name}.gamma`, shape: [ch], init: { kind: 'ones' } },
      { name: `${name}.beta`, shape: [ch], init: { kind: 'zeros' } },
    ],
    flops: 0,
  };
}

/*
 * Initialisation (our choice, documented here): kernels that read a SiLU output use He-uniform
 * (He et al. 2015, Var = 2 / fan_in) to keep activations at unit scale through the gated
 * nonlinearity; kernels that read a linear quantity (the image, the sinusoidal features, a skip,
 * the attention projections, the resampling convolutions) use Glorot-uniform (Glorot & Bengio
 * 2010). Biases and GroupNorm shifts start at 0, GroupNorm scales at 1, the label embedding at
 * N(0, 1). DDPM zero-initialises the last convolution of each residual branch and of the network;
 * we keep them random: GroupNorm in front of every convolution keeps training stable, every weight
 * gets a gradient from the first step, and labels and timesteps already change the output of a
 * fresh network (which the tests check).
 */
export function resBlockLayers(name: string, cin: number, cout: number, size: number, embDim: number): LayerSpec[] {
  const layers = [
    norm(`${name}.norm1`, cin, size),
    conv(`${name}.conv1`, 3, cin, cout, size, 'he'),
    dense(`${name}.emb`, embDim, cout, 1, [cout], 'he'),
    norm(`${name}.norm2`, cout, size),
    conv(`${name}.conv2`, 3, cout, cout, size, 'he'),
  ];
  if (cin !== cout) layers.push(conv(`${name}.skip`, 1, cin, cout, size, 'glorot'));
  return layers;
}

export function attentionLayers(name: string, ch: number, size: number): LayerSpec[] {
  const n = size * size;
  return [
    norm(`${name}.norm`, ch, size),
    dense(`${name}.q`, ch, ch, n, [size, size, ch], 'glorot'),
    dense(`${name}.k`, ch, ch, n, [size, size, ch], 'glorot'),
    dense(`${name}.v`, ch, ch, n, [size, size, ch], 'glorot'),
    // Scores q·kᵀ (N×N×C multiply-adds) and the weighted sum of values (N×N×C again).
    { name: `${name}.attend`, shape: [size, size, ch], variables: [], flops: 2 * 2 * n * n * ch },
    dense(`${name}.proj`, ch, ch, n, [size, size, ch], 'glorot'),
  ];
}

export function stepLayers(step: PlanStep, embDim: number): LayerSpec[] {
  switch (step.kind) {
    case 'res':
      return resBlockLayers(step.name, step.inChannels, step.outChannels, step.size, embDim);
    case 'downsample':
      return [conv(`${step.name}`, 3, step.channels, step.channels, step.size / 2, 'glorot')];
    case 'upsample':
      // Nearest-neighbour copies only: no convolution after it (DDPM has one), because the next
      // residual block starts with a 3×3 convolution anyway, and at 14×14 and 28×28 that extra
      // convolution would cost about a fifth of the network's FLOPs.
      return [{ name: step.name, shape: [step.size * 2, step.size * 2, step.channels], variables: [], flops: 0 }];
    case 'attention':
      return attentionLayers(step.name, step.channels, step.size);
  }
}

/** Every layer of the network in forward order; variable names are unique and stable. */
export function unetLayers(plan: UNetPlan): LayerSpec[] {
  const c = plan.config;
  const e = c.timeEmbedDim;
  const layers: LayerSpec[] = [
    dense('time.dense1', e, e, 1, [e], 'glorot'),
    dense('time.dense2', e, e, 1, [e], 'he'),
  ];
  if (c.numClasses > 0) {
    // One row per class plus the null label used for classifier-free guidance (Ho & Salimans 2022).
    // Looked up as one-hot × matrix, so it counts as a matrix product.
    layers.push({
      name: 'label',
      shape: [e],
      variables: [{ name: 'label.embedding', shape: [c.numClasses + 1, e], init: { kind: 'normal', std: 1 } }],
      flops: 2 * (c.numClasses + 1) * e,
    });
  }
  const size = workingSize(c);
  const pixels = workingChannels(c);
  layers.push(conv('in.conv', 3, pixels, c.baseChannels, size, 'glorot'));
  for (const step of plan.steps) layers.push(...stepLayers(step, e));
  layers.push(norm('out.norm', plan.baseChannels, size));
  layers.push(conv('out.conv', 3, plan.baseChannels, pixels, size, 'he'));
  return layers;
}

export function unetVariableSpecs(plan: UNetPlan): VariableSpec[] {
  return unetLayers(plan).flatMap((l) => l.variables);
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
