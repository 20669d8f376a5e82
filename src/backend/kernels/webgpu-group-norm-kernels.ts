/**
 * GroupNorm forward and gradient (the kernels of ./group-norm-kernels.ts, same math as
 * ./group-norm-math.ts: Wu & He 2018, eq. 1–3 and 7) as WebGPU shaders: 3 dispatches forward and
 * 6 backward, where the composite of tfjs ops costs about 10 and 25. A WebGPU training step is
 * bound by its number of dispatches (measured on an H100 through Dawn: README, "WebGPU in
 * Node"), and the U-Net has a GroupNorm before every convolution.
 *
 * The reductions are plain loops, one thread per (image, group) or per (image, channel), each over
 * at most a few thousand values at this course's sizes; a loop costs less than the dispatches it
 * saves. Sums are in float32.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { GROUP_NORM_GRAD_KERNEL, GROUP_NORM_KERNEL, type GroupNormAttrs } from './group-norm-kernels';
import { FlatProgram } from './webgpu-flat-program';

/** Uniforms shared by every program: images, pixels per image, channels, groups, channels per group, ε. */
const SHAPE_UNIFORMS = 'batch : i32, pixels : i32, channels : i32, groups : i32, perGroup : i32, eps : f32,';

/** WGSL: the flat index of pixel p, channel c of image n. */
const AT = 'fn at(n : i32, p : i32, c : i32) -> i32 { return (n * uniforms.pixels + p) * uniforms.channels + c; }';

/** A program over a flat output with the shape uniforms and the `at` helper. */
function program(shaderKey: string, variableNames: string[], outputShape: number[], body: string): FlatProgram {
  return new FlatProgram(shaderKey, variableNames, outputShape, SHAPE_UNIFORMS, body, AT);
}

/** Per (image n, group g) = index: loops over the group's values, with `c` and `value` in scope. */
function overGroup(inner: string): string {
  return `
    let n = index / uniforms.groups;
    let g = index % uniforms.groups;
    for (var p = 0; p < uniforms.pixels; p++) {
      for (var k = 0; k < uniforms.perGroup; k++) {
        let c = g * uniforms.perGroup + k;
        ${inner}
      }
    }`;
}

/** The (image, group) statistics index of the element at flat `index`, and its channel. */
const ELEMENT = `
    let c = index % uniforms.channels;
    let n = index / (uniforms.pixels * uniforms.channels);
    let s = n * uniforms.groups + c / uniforms.perGroup;`;

const COUNT = 'f32(uniforms.pixels * uniforms.perGroup)';

const PROGRAMS = {
  mean: (stats: number[]) =>
    program('diffusionLabGroupNormMean', ['X'], stats, `
      var sum = 0.0;
      ${overGroup('sum += X[at(n, p, c)];')}
      setOutputAtIndex(index, sum / ${COUNT});`),
  invStd: (stats: number[]) =>
    program('diffusionLabGroupNormInvStd', ['X', 'Mean'], stats, `
      let mu = Mean[index];
      var sum = 0.0;
      ${overGroup('let d = X[at(n, p, c)] - mu; sum += d * d;')}
      setOutputAtIndex(index, inverseSqrt(sum / ${COUNT} + uniforms.eps));`),
  apply: (shape: number[]) =>
    program('diffusionLabGroupNormApply', ['X', 'Gamma', 'Beta', 'Mean', 'InvStd'], shape, `
      ${ELEMENT}
      setOutputAtIndex(index, (X[index] - Mean[s]) * InvStd[s] * Gamma[c] + Beta[c]);`),
  /** Per (image, group): [Σ γ·dy, Σ γ·dy·x̂] at 2·index and 2·index + 1. */
  groupSums: (stats: number[]) =>
    program('diffusionLabGroupNormGradSums', ['Dy', 'X', 'Gamma', 'Mean', 'InvStd'], [...stats, 2], `
      let which = index % 2;
      let ng = index / 2;
      let n = ng / uniforms.groups;
      let g = ng % uniforms.groups;
      let mu = Mean[ng];
      let inv = InvStd[ng];
      var sum = 0.0;
      for (var p = 0; p < uniforms.pixels; p++) {
        for (var k = 0; k < uniforms.perGroup; k++) {
          let c = g * uniforms.perGroup + k;
          let i = at(n, p, c);
          let gdy = Gamma[c] * Dy[i];
          if (which == 0) { sum += gdy; } else { sum += gdy * (X[i] - mu) * inv; }
        }
      }
      setOutputAtIndex(index, sum);`),
  dx: (shape: number[]) =>
    program('diffusionLabGroupNormDx', ['Dy', 'X', 'Gamma', 'Mean', 'InvStd', 'Sums'], shape, `
      ${ELEMENT}
      let inv = InvStd[s];
      let xHat = (X[index] - Mean[s]) * inv;
      let count = ${COUNT};
      setOutputAtIndex(index, inv * (Gamma[c] * Dy[index] - Sums[2 * s] / count - xHat * Sums[2 * s + 1] / count));`),
  /**
   * Per image and channel: Σ dy·x̂ (towards dγ) when `withXHat`, else Σ dy (towards dβ), over
   * the pixels. Two stages (this, then overImages) rather than one thread per channel looping
   * over every image: a GPU hides memory latency with many threads, and a channel has few.
   */
  perImageChannel: (batch: number, channels: number, withXHat: boolean) =>
    program(
      withXHat ? 'diffusionLabGroupNormDGammaPartial' : 'diffusionLabGroupNormDBetaPartial',
      ['Dy', 'X', 'Mean', 'InvStd'],
      [batch, channels],
      `
      let n = index / uniforms.channels;
      let c = index % uniforms.channels;
      let s = n * uniforms.groups + c / uniforms.perGroup;
      var sum = 0.0;
      for (var p = 0; p < uniforms.pixels; p++) {
        let i = at(n, p, c);
        ${withXHat ? 'sum += Dy[i] * (X[i] - Mean[s]) * InvStd[s];' : 'sum += Dy[i];'}
      }
      setOutputAtIndex(index, sum);`,
    ),
  /** Per channel: the sum over images of a [batch, channels] partial. */
  overImages: (channels: number) =>
    program('diffusionLabGroupNormSumImages', ['Partial'], [channels], `
      var sum = 0.0;
      for (var n = 0; n < uniforms.batch; n++) {
        sum += Partial[n * uniforms.channels + index];
      }
      setOutputAtIndex(index, sum);`),
};

interface Dims {
  batch: number;
  pixels: number;
  channels: number;
  groups: number;
}

function dimsOf(x: TensorInfo, groups: number): Dims {
  const channels = x.shape[x.shape.length - 1];
  if (channels % groups !== 0) throw new Error(`GroupNorm: ${groups} groups do not divide ${channels} channels`);
  return { batch: x.shape[0], pixels: x.shape.slice(1, -1).reduce((a, b) => a * b, 1), channels, groups };
}

function shapeUniforms(d: Dims, epsilon: number): Array<{ type: string; data: number[] }> {
  return [
    { type: 'int32', data: [d.batch] },
    { type: 'int32', data: [d.pixels] },
    { type: 'int32', data: [d.channels] },
    { type: 'int32', data: [d.groups] },
    { type: 'int32', data: [d.channels / d.groups] },
    { type: 'float32', data: [epsilon] },
  ];
}

type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs?: NamedAttrMap };

function webgpuForward({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { x, gamma, beta } = inputs;
  const { groups, epsilon } = attrs as unknown as GroupNormAttrs;
  const d = dimsOf(x, groups);
  const u = shapeUniforms(d, epsilon);
  const stats = [d.batch, groups];
  const mean = backend.runWebGPUProgram(PROGRAMS.mean(stats), [x], 'float32', u);
  const invStd = backend.runWebGPUProgram(PROGRAMS.invStd(stats), [x, mean], 'float32', u);
  const y = backend.runWebGPUProgram(PROGRAMS.apply([...x.shape]), [x, gamma, beta, mean, invStd], 'float32', u);
  return [y, mean, invStd];
}

function webgpuBackward({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { dy, x, gamma, mean, invStd } = inputs;
  const { groups } = attrs as unknown as GroupNormAttrs;
  const d = dimsOf(x, groups);
  const u = shapeUniforms(d, 0);
  const sums = backend.runWebGPUProgram(PROGRAMS.groupSums([d.batch, groups]), [dy, x, gamma, mean, invStd], 'float32', u);
  const dx = backend.runWebGPUProgram(PROGRAMS.dx([...x.shape]), [dy, x, gamma, mean, invStd, sums], 'float32', u);
  backend.disposeData(sums.dataId);
  const [dGamma, dBeta] = [true, false].map((withXHat) => {
    const partial = backend.runWebGPUProgram(PROGRAMS.perImageChannel(d.batch, d.channels, withXHat), [dy, x, mean, invStd], 'float32', u);
    const total = backend.runWebGPUProgram(PROGRAMS.overImages(d.channels), [partial], 'float32', u);
    backend.disposeData(partial.dataId);
    return total;
  });
  return [dx, dGamma, dBeta];
}

export function webgpuGroupNormKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: GROUP_NORM_KERNEL, backendName: 'webgpu', kernelFunc: webgpuForward as unknown as KernelFunc },
    { kernelName: GROUP_NORM_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: webgpuBackward as unknown as KernelFunc },
  ];
}
