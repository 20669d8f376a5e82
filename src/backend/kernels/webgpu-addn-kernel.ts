/**
 * tf.addN on WebGPU for any number of inputs. tfjs's WebGPU AddN binds every input as a storage
 * buffer of one shader, and a device allows only so many per shader stage (8 by WebGPU's default,
 * which tfjs's device keeps). Past that the shader is invalid and the GPU skips the work with no
 * error, only a console warning: the Trainer's gradient norm, once one AddN over every parameter,
 * read 0 in Chromium and garbage on an H100. This replacement sums in groups that fit, through the
 * original kernel, as tfjs's own Concat does for the same limit.
 */
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export function webgpuAddNKernelConfigs(): KernelConfig[] {
  const original = getKernel('AddN', 'webgpu');
  if (!original) return [];
  const addN = original.kernelFunc;
  const kernelFunc = (args: { inputs: unknown; backend: WebGPUBackend; attrs?: NamedAttrMap }): TensorInfo => {
    const tensors = args.inputs as TensorInfo[];
    // One buffer of the stage is the output.
    const fit = Math.max(2, args.backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    const partial: TensorInfo[] = [];
    let level = tensors;
    while (level.length > fit) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < level.length; i += fit) {
        const group = level.slice(i, i + fit);
        if (group.length === 1) {
          next.push(group[0]);
          continue;
        }
        const sum = addN({ ...args, inputs: group } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
        partial.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = addN({ ...args, inputs: level } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    for (const t of partial) args.backend.disposeData(t.dataId);
    return result;
  };
  return [{ kernelName: 'AddN', backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc }];
}
