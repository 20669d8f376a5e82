import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { callLearner, compare, fmt, readNumber, readNumbers } from '../../../src/notebook/exercises/check-kit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('reading the learner\'s answer', () => {
  it('accepts a Float32Array, a number[] or a tensor', () => {
    expect(readNumbers(new Float32Array([1, 2]), 2, 'f()')).toEqual({ ok: true, value: Float64Array.from([1, 2]) });
    expect(readNumbers([1, 2], 2, 'f()')).toEqual({ ok: true, value: Float64Array.from([1, 2]) });
    const t = tf.tensor1d([1, 2]);
    expect(readNumbers(t, 2, 'f()')).toEqual({ ok: true, value: Float64Array.from([1, 2]) });
    t.dispose();
  });

  it('says what is wrong with anything else', () => {
    const message = (v: unknown): string => {
      const r = readNumbers(v, 3, 'f(x)');
      return r.ok ? '' : r.message;
    };
    expect(message(undefined)).toBe('f(x) returned undefined: did you forget `return`?');
    expect(message(Promise.resolve([1, 2, 3]))).toContain('returned a Promise');
    expect(message([1, 2])).toBe('f(x) returned 2 values, expected 3 (one per pixel of the input).');
    expect(message([1, Number.NaN, 3])).toContain('gives NaN at index 1');
    expect(message('abc')).toContain('returned a string');
    const one = readNumber(Infinity, 'g()');
    expect(one.ok ? '' : one.message).toContain('g() is ∞');
  });

  it('reports a thrown error with its message, and copies array arguments', () => {
    const thrown = callLearner(() => {
      throw new Error('x is not defined');
    }, 'f', [], 'f()');
    expect(thrown).toEqual({ ok: false, message: 'f() threw an error: x is not defined' });
    const input = new Float32Array([1, 2]);
    callLearner((a: Float32Array) => a.fill(0), 'f', [input], 'f(a)');
    expect(Array.from(input)).toEqual([1, 2]);
    expect(callLearner(42, 'f', [], 'f()')).toEqual({ ok: false, message: 'f is not a function: define `function f(…)` in the cell.' });
  });
});

describe('comparing with the library', () => {
  it('passes equal answers, names a matching mistake, else points at the largest difference', () => {
    const expected = [1, 2, 3];
    expect(compare('here', [1, 2, 3.00001], expected)).toBeNull();
    expect(compare('here', [0, 0, 0], expected, [{ value: [0, 0, 0], message: 'you forgot it.' }])).toBe('here: you forgot it.');
    expect(compare('here', [1, 2, 5], expected)).toBe('here: value 2 is 5, expected 3 (largest difference 2).');
    expect(compare('here', [2, 4, 6], expected)).toContain('Every value is 2 × the expected one');
    expect(compare('ᾱ at t = 500', [0.99], [0.0786], [{ value: [0.99], message: 'that is α_t.' }])).toBe('ᾱ at t = 500 is 0.99, expected 0.0786: that is α_t.');
  });

  it('formats numbers for messages', () => {
    expect(fmt(0.078567)).toBe('0.0786');
    expect(fmt(-42.87)).toBe('-42.9');
    expect(fmt(1.5e-5)).toBe('1.50e-5');
    expect(fmt(Number.NaN)).toBe('NaN');
  });
});
