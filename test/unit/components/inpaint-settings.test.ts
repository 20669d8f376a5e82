import { describe, expect, it } from 'vitest';
import { PixelLayer, PIXELS, SIDE, cursorCentre, moveCursor } from '../../../src/components/inpaint/pixel-layer';
import { MASK_PRESETS, effectiveJump, networkSteps, parseLabel, presetMask } from '../../../src/components/inpaint/settings';

const at = (layer: PixelLayer, x: number, y: number): number => layer.values[y * SIDE + x];

describe('PixelLayer', () => {
  it('a mask dot covers whole pixels within the radius; erasing takes them away again', () => {
    const mask = new PixelLayer(false);
    mask.dot({ x: 14, y: 14 }, 2);
    // Pixel centres within 2 of (14, 14): the 12 pixels around it.
    expect(mask.values.filter((v) => v === 1).length).toBe(12);
    expect(mask.values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(at(mask, 13, 13)).toBe(1);
    expect(at(mask, 11, 13)).toBe(0);
    mask.dot({ x: 14, y: 14 }, 2, true);
    expect(mask.isEmpty).toBe(true);
  });

  it('ink strokes have soft edges, cover the segment, and never leave [0, 1]', () => {
    const ink = new PixelLayer(true);
    ink.segment({ x: 4.5, y: 10.5 }, { x: 20.5, y: 10.5 }, 1.2);
    for (let x = 4; x <= 20; x++) expect(at(ink, x, 10)).toBe(1);
    // Row 11's centres are 1 from the stroke's axis: partly covered; row 12's (2 away) not at all.
    const edge = at(ink, 10, 11);
    expect(edge).toBeCloseTo(0.7, 5);
    expect(at(ink, 10, 12)).toBe(0);
    expect(ink.values.every((v) => v >= 0 && v <= 1)).toBe(true);
    // As an image: ink +1, background −1, and back.
    const image = ink.toImage();
    expect(image[10 * SIDE + 10]).toBe(1);
    expect(image[0]).toBe(-1);
    const copy = new PixelLayer(true);
    copy.fromImage(image);
    expect(Array.from(copy.values)).toEqual(Array.from(ink.values));
  });

  it('strokes at the border stay on the layer', () => {
    const mask = new PixelLayer(false);
    mask.segment({ x: -5, y: -5 }, { x: 40, y: 40 }, 3);
    expect(mask.values).toHaveLength(PIXELS);
    expect(at(mask, 0, 0)).toBe(1);
    expect(at(mask, SIDE - 1, SIDE - 1)).toBe(1);
  });
});

describe('keyboard cursor', () => {
  it('moves with the arrow keys, stays on the 28 × 28 grid, and ignores other keys', () => {
    expect(moveCursor({ x: 5, y: 5 }, 'ArrowLeft')).toEqual({ x: 4, y: 5 });
    expect(moveCursor({ x: 5, y: 5 }, 'ArrowDown')).toEqual({ x: 5, y: 6 });
    expect(moveCursor({ x: 0, y: 0 }, 'ArrowUp')).toEqual({ x: 0, y: 0 });
    expect(moveCursor({ x: 27, y: 3 }, 'ArrowRight')).toEqual({ x: 27, y: 3 });
    expect(moveCursor({ x: 5, y: 5 }, 'a')).toBeNull();
    expect(cursorCentre({ x: 3, y: 4 })).toEqual({ x: 3.5, y: 4.5 });
  });
});

describe('inpaint settings', () => {
  it('preset masks cover what their names say', () => {
    const share = (p: (typeof MASK_PRESETS)[number]): number => presetMask(p).reduce((a, b) => a + b, 0) / PIXELS;
    expect(share('bottom-half')).toBe(0.5);
    expect(share('left-half')).toBe(0.5);
    expect(share('center')).toBeCloseTo(144 / 784, 10);
    expect(share('none')).toBe(0);
    const bottom = presetMask('bottom-half');
    expect(bottom[0]).toBe(0);
    expect(bottom[PIXELS - 1]).toBe(1);
    const top = presetMask('top-half');
    expect(top.every((v, i) => v === 1 - bottom[i])).toBe(true);
  });

  it('counts network steps as the lab does: RePaint adds (r − 1)·j per jump level, j capped at steps − 1', () => {
    expect(networkSteps('replacement', 20, 5, 4)).toBe(20);
    expect(networkSteps('repaint', 20, 5, 1)).toBe(20);
    expect(networkSteps('repaint', 20, 5, 4)).toBe(20 + 3 * 3 * 5);
    expect(networkSteps('repaint', 10, 2, 3)).toBe(26);
    expect(effectiveJump(50, 20)).toBe(19);
    expect(effectiveJump(5, 1)).toBe(1);
    expect(networkSteps('repaint', 1, 5, 4)).toBe(1);
  });

  it('label is a digit or "none"', () => {
    expect(parseLabel(null)).toEqual({ ok: true, value: null });
    expect(parseLabel('none')).toEqual({ ok: true, value: null });
    expect(parseLabel(' 7 ')).toEqual({ ok: true, value: 7 });
    expect(parseLabel('10')).toEqual({ ok: false, message: 'label="10" is not valid: use a digit 0 to 9, or "none" for no label.' });
  });
});
