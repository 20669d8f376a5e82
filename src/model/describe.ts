/**
 * Parameter and FLOP counts of a U-Net configuration, computed from the layer shapes alone (no
 * tensors, no tfjs), so lessons and docs can show them without loading a model.
 *
 * FLOPs are forward-pass FLOPs for one image, counted as 2 × multiply-adds of:
 * - every convolution (3×3 and 1×1, including the resampling convolutions): 2·H·W·k²·Cin·Cout;
 * - every dense layer: the timestep MLP, the label lookup (a one-hot × matrix product), each
 *   residual block's embedding projection, the attention q/k/v/output projections (2·N·C·C each);
 * - attention itself: the scores q·kᵀ and the weighted sum of values (2·N²·C each, N = H·W).
 * Not counted: bias additions, GroupNorm, SiLU, softmax, residual additions, concatenation,
 * upsampling copies and the sinusoidal features; together they are a few per cent of the total.
 */
import { validateUNetConfig, type UNetConfig } from './config';
import { planUNet, shapeSize, unetLayers } from './plan';

export interface LayerDescription {
  name: string;
  /** Output shape for one image: [H, W, C] for feature maps, [D] for embeddings. */
  shape: number[];
  params: number;
  flops: number;
}

export interface UNetDescription {
  params: number;
  flopsPerImage: number;
  layers: LayerDescription[];
}

export function describeUNet(config: UNetConfig): UNetDescription {
  const layers = unetLayers(planUNet(validateUNetConfig(config))).map((l) => ({
    name: l.name,
    shape: [...l.shape],
    params: l.variables.reduce((sum, v) => sum + shapeSize(v.shape), 0),
    flops: l.flops,
  }));
  return {
    params: layers.reduce((s, l) => s + l.params, 0),
    flopsPerImage: layers.reduce((s, l) => s + l.flops, 0),
    layers,
  };
}
