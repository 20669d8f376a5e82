/**
 * Captures tfjs's own cpu kernels before src/backend replaces them, as an independent reference.
 * Test files must import this module before anything that imports src/backend.
 */
import * as tf from '@tensorflow/tfjs';

const builtInCpuFilterGradient = tf.getKernel('Conv2DBackpropFilter', 'cpu');
if (!builtInCpuFilterGradient || (builtInCpuFilterGradient.kernelFunc as unknown as { [k: symbol]: unknown })[Symbol.for('diffusion-lab.backend.training-kernel')]) {
  throw new Error('builtin-kernels.ts must be imported before src/backend');
}

/** Runs fn with tfjs's built-in cpu Conv2DBackpropFilter in place of the replacement. */
export function withBuiltInCpuFilterGradient<T>(fn: () => T): T {
  const current = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel(builtInCpuFilterGradient);
  try {
    return fn();
  } finally {
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel(current);
  }
}
