/** What show, plot, table and print send to the page, and the messages for input they cannot use. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../../src/notebook/kernel/format-value';
import { imagesOutput, plotOutput, tableOutput } from '../../../src/notebook/kernel/output-builders';

describe('kernel outputs', () => {
  it('show: takes [n,28,28,1], [28,28], [n,28,28] and lists of them', () => {
    const before = tf.memory().numTensors;
    const a = tf.zeros([2, 28, 28, 1]);
    const b = tf.ones([28, 28]);
    const out = imagesOutput([a, b], { cols: 3, title: 'three' });
    expect(out).toMatchObject({ kind: 'images', count: 3, side: 28, cols: 3, title: 'three' });
    expect(out.kind === 'images' && out.data[2 * 784]).toBe(1);
    const wrong = tf.zeros([2, 28, 27]);
    expect(() => imagesOutput(wrong)).toThrow(/expected images shaped \[n, 28, 28, 1\].*got \[2, 28, 27\]/);
    expect(() => imagesOutput([1, 2])).toThrow('show: expected a tf.Tensor of images as item 0, got 1');
    tf.dispose([a, b, wrong]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('plot: series as arrays or { name, x, y }, with options last', () => {
    const out = plotOutput([[1, 4, 9], { name: 'b', x: [0, 2, 4], y: [1, 2, 3] }, { title: 'T', logY: true }]);
    expect(out).toEqual({
      kind: 'plot',
      series: [
        { name: 'series 1', x: [0, 1, 2], y: [1, 4, 9] },
        { name: 'b', x: [0, 2, 4], y: [1, 2, 3] },
      ],
      title: 'T',
      logY: true,
    });
    expect(() => plotOutput([{ x: [1, 2], y: [1] }])).toThrow(/2 x values but 1 y values/);
    expect(() => plotOutput([[1, 'two']])).toThrow(/series 1\[1\] is "two", not a number/);
    expect(() => plotOutput([])).toThrow(/at least one series/);
  });

  it('table: columns in first-seen order, numbers shortened', () => {
    expect(tableOutput([{ t: 0, a: 1 / 3 }, { t: 1, b: 'x' }])).toEqual({ kind: 'table', columns: ['t', 'a', 'b'], rows: [['0', '0.333333', ''], ['1', '', 'x']] });
    expect(() => tableOutput({ t: 1 })).toThrow(/expected an array of rows/);
    expect(() => tableOutput([1])).toThrow(/row 0 is 1, not an object/);
  });

  it('print: tensors with dtype and shape, objects as JSON, strings quoted only as a value', () => {
    const t = tf.tensor1d([1, 2]);
    expect(formatValue(t)).toMatch(/^Tensor float32 \[2\]\n\s*\[1, 2\]/);
    t.dispose();
    expect(formatValue({ a: [1, 2], b: new Float32Array([0.5]) })).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": [\n    0.5\n  ]\n}');
    expect(formatValue([1, 2, 3])).toBe('[1,2,3]');
    expect(formatValue('hi')).toBe('hi');
    expect(formatValue('hi', true)).toBe('"hi"');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(formatValue(loop)).toContain('[circular]');
  });
});
