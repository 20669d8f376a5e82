import * as tf from '@tensorflow/tfjs';
import { splitFlat } from '../backend/ops/split-flat';

/**
 * A list of weight tensors mirrored by one flat float32 variable (their values end to end, in list
 * order), so that an update of all of them is one kernel over the flat copy plus one write-back
 * (splitFlat: one kernel, or buffer copies on WebGPU) instead of a kernel per tensor.
 *
 * The flat copy can never go stale unnoticed: tfjs tensors are immutable and Variable.assign gives
 * a variable a new data id, so the data ids seen at the last gather or write-back tell whether
 * anyone else has assigned a tensor since (a checkpoint restore, a replica sync, a loaded model).
 * If so, `flat()` gathers again (one concatenation) before handing out the flat copy.
 */
export class FlatVariables {
  readonly size: number;
  /** The variables' shapes, in order. */
  readonly shapes: readonly number[][];
  private readonly flatCopy: tf.Variable;
  private seen: object[] = [];

  constructor(private readonly variables: readonly tf.Variable[]) {
    this.shapes = variables.map((v) => [...v.shape]);
    this.size = variables.reduce((sum, v) => sum + v.size, 0);
    for (const v of variables) if (v.dtype !== 'float32') throw new TypeError(`FlatVariables: "${v.name}" is ${v.dtype}, not float32`);
    // tf.variable shares the initial tensor's data; tidy frees the initial tensor itself.
    this.flatCopy = tf.tidy(() => tf.variable(this.concatenated(), false));
    this.remember();
  }

  /** The flat copy, gathered again first if a tensor was assigned since it was last written. */
  flat(): tf.Variable {
    if (this.variables.some((v, i) => (v as unknown as { dataId: object }).dataId !== this.seen[i])) {
      const gathered = this.concatenated();
      this.flatCopy.assign(gathered);
      gathered.dispose();
      this.remember();
    }
    return this.flatCopy;
  }

  /** Makes `values` (flat, `size` long) the new value of the flat copy and of every tensor. */
  write(values: tf.Tensor): void {
    if (values.size !== this.size) throw new RangeError(`FlatVariables: ${values.size} values written, ${this.size} expected`);
    const pieces = splitFlat(values, this.shapes);
    this.variables.forEach((v, i) => v.assign(pieces[i]));
    tf.dispose(pieces);
    const line = values.rank === 1 ? values : tf.reshape(values, [-1]);
    this.flatCopy.assign(line);
    if (line !== values) line.dispose();
    this.remember();
  }

  /** The flat copy cut back into tensors of the variables' shapes (new tensors the caller owns). */
  split(values: tf.Tensor = this.flat()): tf.Tensor[] {
    return splitFlat(values, this.shapes);
  }

  dispose(): void {
    this.flatCopy.dispose();
  }

  private concatenated(): tf.Tensor1D {
    return tf.tidy(() => {
      if (this.variables.length === 0) return tf.zeros([0]) as tf.Tensor1D;
      return tf.concat(this.variables.map((v) => tf.reshape(v, [-1]))) as tf.Tensor1D;
    });
  }

  private remember(): void {
    this.seen = this.variables.map((v) => (v as unknown as { dataId: object }).dataId);
  }
}

/**
 * Named tensors laid end to end as one flat tensor (the inverse of splitFlat), after checking that
 * each exists and has its shape; the error names `what` and the first piece that does not fit.
 */
export function concatNamed(what: string, named: tf.NamedTensorMap, keys: readonly string[], shapes: readonly number[][]): tf.Tensor1D {
  keys.forEach((key, i) => {
    const t = named[key];
    if (!t) throw new Error(`${what} is missing "${key}"`);
    if (!tf.util.arraysEqual(t.shape, shapes[i])) throw new Error(`${what} "${key}" has shape [${t.shape}], expected [${shapes[i]}]`);
  });
  if (keys.length === 0) return tf.zeros([0]) as tf.Tensor1D;
  return tf.tidy(() => tf.concat(keys.map((key) => tf.reshape(named[key], [-1]))) as tf.Tensor1D);
}
