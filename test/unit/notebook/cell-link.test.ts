/** Edited cells travel in a link: encoded compactly, decoded exactly, and damage is explained. */
import { describe, expect, it } from 'vitest';
import { cellsFromHash, decodeCellEdits, encodeCellEdits, linkWithEdits, MAX_DECODED_BYTES, MAX_ENCODED_LENGTH } from '../../../src/notebook/page/cell-link';

describe('cells in a link', () => {
  it('round-trips edits, including non-ASCII code, in URL-safe characters', async () => {
    const edits = { 0: 'const ᾱ = 0.5; // ε̂ "quoted" & <tags>', 3: 'show(x)\n'.repeat(40) };
    const code = await encodeCellEdits(edits);
    expect(code).toMatch(/^1[A-Za-z0-9_-]+$/);
    expect(await decodeCellEdits(code)).toEqual(edits);
  });

  it('is compact: repeated code deflates well below its length', async () => {
    const source = 'const xt = tf.add(tf.mul(Math.sqrt(abar), x0), tf.mul(Math.sqrt(1 - abar), eps));\n'.repeat(10);
    const code = await encodeCellEdits({ 2: source });
    expect(code.length).toBeLessThan(source.length / 4);
  });

  it('puts the cells into the hash and reads them back', async () => {
    const href = await linkWithEdits('https://example.org/lessons/ddim.html?x.t=3#old', { 1: 'print(1)' });
    const url = new URL(href);
    expect(url.search).toBe('?x.t=3');
    expect(await decodeCellEdits(cellsFromHash(url.hash)!)).toEqual({ 1: 'print(1)' });
    expect(await linkWithEdits('https://example.org/a.html#cells=1abc', {})).toBe('https://example.org/a.html');
    expect(cellsFromHash('#section-2')).toBeNull();
  });

  it('explains a damaged or foreign link', async () => {
    const code = await encodeCellEdits({ 0: 'print("hello")' });
    await expect(decodeCellEdits(code.slice(0, 6))).rejects.toThrow(/cut short or changed/);
    await expect(decodeCellEdits(`9${code.slice(1)}`)).rejects.toThrow(/unknown format/);
    const notCells = await encodeCellEdits({ x: 1 } as unknown as Record<number, string>);
    await expect(decodeCellEdits(notCells)).rejects.toThrow(/cell "x"/);
  });

  it('refuses a link whose cells are longer than a link may carry', async () => {
    const code = '1' + 'A'.repeat(MAX_ENCODED_LENGTH);
    await expect(decodeCellEdits(code)).rejects.toThrow(/more than the 16,000 a link may carry/);
  });

  it('stops inflating a small link that would unpack past the byte cap', async () => {
    // Two million spaces deflate to a few kB: a short link, a huge page.
    const bomb = await encodeCellEdits({ 0: ' '.repeat(2 * MAX_DECODED_BYTES) });
    expect(bomb.length).toBeLessThan(MAX_ENCODED_LENGTH);
    await expect(decodeCellEdits(bomb)).rejects.toThrow(/unpack to more than 1 MB/);
    const fits = await encodeCellEdits({ 0: ' '.repeat(MAX_DECODED_BYTES / 2) });
    expect((await decodeCellEdits(fits))[0]).toHaveLength(MAX_DECODED_BYTES / 2);
  });
});
