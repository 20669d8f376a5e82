/**
 * A WebGPU program of this project's custom kernels: one thread per element of a flat float32
 * output, `main(index)` running `body` for index < uniforms.size. tfjs's webgpu backend supplies the
 * rest of the shader: the input arrays named by `variableNames`, `uniforms` (its own plus ours)
 * and setOutputAtIndex.
 *
 * Every input is read at least once: tfjs binds all of them, and the binding layout derived from
 * a shader that never reads one has no slot for it (the bind group is then invalid, and the GPU
 * skips the whole command buffer without an error).
 */
import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export class FlatProgram implements WebGPUProgram {
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];

  /**
   * @param shaderKey names the shader in tfjs's pipeline cache (with the input shapes)
   * @param uniforms WGSL struct fields, e.g. 'keep : f32, take : f32,', passed in this order
   * @param helpers WGSL functions placed before main
   */
  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly outputShape: number[],
    readonly uniforms: string,
    private readonly body: string,
    private readonly helpers = '',
  ) {
    this.dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    const touch = this.variableNames.map((name) => `_ = ${name}[0];`).join(' ');
    return `
      ${this.helpers}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${touch}
          ${this.body}
        }
      }`;
  }
}

/** Uniform values for runWebGPUProgram, in the order of the program's `uniforms` string. */
export function floatUniforms(...values: number[]): Array<{ type: string; data: number[] }> {
  return values.map((value) => ({ type: 'float32', data: [value] }));
}
