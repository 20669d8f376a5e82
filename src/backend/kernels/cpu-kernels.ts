/**
 * Conv2DBackpropFilter for tfjs's cpu backend. The built-in kernel walks a TensorBuffer with
 * index arithmetic per element and reaches about 0.01 GFLOP/s (tens of seconds for one layer of a
 * small U-Net); this one is the patch-matrix product of conv-layout.ts in plain JavaScript.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import {
  paddedGrid,
  paddedPlanesLength,
  patchColumns,
  patchRows,
  tapShift,
  usesPaddedGrid,
  writeOutputGradient,
  writePaddedPlanes,
  writePatchesTransposed,
} from './conv-layout';
import { forwardGeometry, type ConvGradAttrs } from './geometry';
import { gemm } from './js-gemm';

/** The parts of tfjs's MathBackendCPU used here. */
interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

type CpuKernelArgs = { inputs: Record<string, TensorInfo>; backend: CpuBackendLike; attrs?: NamedAttrMap };

function conv2dBackpropFilterCpu({ inputs, backend, attrs }: CpuKernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const a = attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const g = forwardGeometry(x.shape, a.filterShape, a);
  if (!g) throw new Error("Conv2DBackpropFilter replacement supports dataFormat 'NHWC' only");
  const xs = backend.readSync(x.dataId) as Float32Array;
  const dys = backend.readSync(dy.dataId) as Float32Array;
  const { inChannels: ci, outChannels: co } = g;
  const out = new Float32Array(g.filterHeight * g.filterWidth * ci * co);
  const cols = patchColumns(g);
  const dyCols = new Float32Array(cols * co);
  writeOutputGradient(dys, g, dyCols);
  if (usesPaddedGrid(g)) {
    // One product per tap on a shifted view of the planes (see writePaddedPlanes).
    const planes = new Float32Array(paddedPlanesLength(g));
    writePaddedPlanes(xs, g, planes);
    const { width } = paddedGrid(g);
    for (let ky = 0; ky < g.filterHeight; ky++) {
      for (let kx = 0; kx < g.filterWidth; kx++) {
        const tap = ky * g.filterWidth + kx;
        gemm(planes.subarray(tapShift(width, ky, kx)), dyCols, ci, cols, co, out.subarray(tap * ci * co));
      }
    }
  } else {
    const patches = new Float32Array(patchRows(g) * cols);
    writePatchesTransposed(xs, g, patches);
    gemm(patches, dyCols, patchRows(g), cols, co, out);
  }
  return backend.makeTensorInfo([...a.filterShape], 'float32', out);
}

export function cpuKernelConfigs(): KernelConfig[] {
  return [
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'cpu',
      kernelFunc: conv2dBackpropFilterCpu as unknown as KernelFunc,
    },
  ];
}
