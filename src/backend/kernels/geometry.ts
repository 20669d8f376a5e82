import { backend_util } from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-layout';

type Shape4 = [number, number, number, number];

/** The attributes shared by Conv2DBackpropFilter and Conv2DBackpropInput. */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Geometry of the forward convolution whose gradient is wanted, computed with tfjs's own
 * shape rules so that padding and output sizes match the forward op exactly. Returns null for
 * channels-first data, which the replacement kernels leave to the backend's own kernel.
 */
export function forwardGeometry(inShape: number[], filterShape: number[], attrs: ConvGradAttrs): ConvGeometry | null {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') return null;
  const info = backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
