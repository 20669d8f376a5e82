import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { checkExercise, getExercise, listExercises } from '../../../src/notebook/exercises';
import { defineEntry, readLessons } from './cell-source';

/** Per exercise: code with a known mistake, and a piece of the message its check must give. */
const WRONG: Record<string, Array<{ code: string; says: string }>> = {
  'closed-form-noise': [
    { code: 'function qSample(x0, a, e) { return x0.map((v, i) => a * v + (1 - a) * e[i]); }', says: 'use their square roots' },
    { code: 'function qSample(x0, a, e) { return x0.map((v, i) => Math.sqrt(1 - a) * v + Math.sqrt(a) * e[i]); }', says: 'the weights are swapped' },
    { code: 'function qSample(x0, a, e) { return x0.slice(0, 3); }', says: 'returned 3 values, expected 16' },
  ],
  'alpha-bar-product': [
    { code: 'function alphaBars(b) { return b.map((v) => 1 - v); }', says: 'that is α_t = 1 − β_t of one step' },
    { code: 'function alphaBars(b) { return b; }', says: 'did you use β_t where ᾱ_t belongs?' },
    { code: 'function alphaBars(b) { let s = 1; return b.map((v) => (s -= v)); }', says: 'not 1 − Σβ_s' },
  ],
  'cosine-alpha-bar': [
    { code: 'function cosineAlphaBarAt(t, T) { const s = 0.008; return Math.cos(((t / T + s) / (1 + s)) * Math.PI / 2) ** 2; }', says: 'divide by f(0)' },
    { code: 'function cosineAlphaBarAt(t, T) { const f = (u) => Math.cos((u / T) * Math.PI / 2) ** 2; return f(t) / f(0); }', says: 'the offset s = 0.008 is missing' },
    { code: 'function cosineAlphaBarAt(t, T) { throw new Error("not yet"); }', says: 'threw an error: not yet' },
  ],
  'predict-x0': [
    { code: 'function predictX0(x, e, a) { return x.map((v, i) => (v - Math.sqrt(1 - a) * e[i]) * Math.sqrt(a)); }', says: "divide by √ᾱ_t, don't multiply" },
    { code: 'function predictX0(x, e, a) { return x.map((v, i) => (v + Math.sqrt(1 - a) * e[i]) / Math.sqrt(a)); }', says: 'you added it' },
    { code: 'function predictX0(x, e, a) { x.map((v, i) => (v - Math.sqrt(1 - a) * e[i]) / Math.sqrt(a)); }', says: 'returned undefined' },
  ],
  'timestep-embedding': [
    {
      code: `function timestepEmbedding(t, d) { const out = []; for (let i = 0; i < d / 2; i++) { const f = Math.exp(-Math.log(10000) * i / (d / 2 - 1)); out.push(Math.sin(t * f), Math.cos(t * f)); } return out; }`,
      says: 'you interleaved sin and cos',
    },
    {
      code: `function timestepEmbedding(t, d) { const h = d / 2, out = new Float32Array(d); for (let i = 0; i < h; i++) { const f = Math.exp(-Math.log(10000) * i / h); out[i] = Math.sin(t * f); out[h + i] = Math.cos(t * f); } return out; }`,
      says: 'divides by d/2 − 1',
    },
  ],
  'training-loss': [
    {
      code: `function trainingLoss(net, x0, e, a, t) { const p = net(x0, t); let s = 0; for (let i = 0; i < e.length; i++) s += (p[i] - e[i]) ** 2; return s / e.length; }`,
      says: 'you passed x₀ to the network',
    },
    {
      code: `function trainingLoss(net, x0, e, a, t) { const xt = x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * e[i]); const p = net(xt, t); let s = 0; for (let i = 0; i < e.length; i++) s += (p[i] - x0[i]) ** 2; return s / e.length; }`,
      says: 'the target is the noise ε',
    },
    {
      code: `function trainingLoss(net, x0, e, a, t) { const xt = x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * e[i]); const p = net(xt, t); let s = 0; for (let i = 0; i < e.length; i++) s += (p[i] - e[i]) ** 2; return s; }`,
      says: 'you summed the squared errors',
    },
  ],
  'ddpm-step': [
    {
      code: `function ddpmStep(x, e, a, ap, z) { const al = a / ap, b = 1 - al, s = Math.sqrt((1 - ap) / (1 - a) * b);
        return x.map((v, i) => (v - b / Math.sqrt(1 - a) * e[i]) / Math.sqrt(al) + s * z[i]); }`,
      says: 'x̂₀ was not clipped',
    },
    {
      code: `function ddpmStep(x, e, a, ap, z) { const al = a / ap, b = 1 - al, s = (1 - ap) / (1 - a) * b;
        return x.map((v, i) => { const x0 = Math.min(1, Math.max(-1, (v - Math.sqrt(1 - a) * e[i]) / Math.sqrt(a)));
          return Math.sqrt(ap) * b / (1 - a) * x0 + Math.sqrt(al) * (1 - ap) / (1 - a) * v + s * z[i]; }); }`,
      says: 'scale it by the standard deviation',
    },
  ],
  'ddim-step': [
    {
      code: `function ddimStep(x, e, a, ap, eta, z) { return x.map((v, i) => { const x0 = (v - Math.sqrt(1 - a) * e[i]) / Math.sqrt(a);
        return Math.sqrt(ap) * x0 + Math.sqrt(1 - a) * e[i]; }); }`,
      says: 'the direction to x_t uses the target level',
    },
    {
      code: `function ddimStep(x, e, a, ap, eta, z) { const s = eta * Math.sqrt((1 - ap) / (1 - a) * (1 - a / ap));
        return x.map((v, i) => { const x0 = (v - Math.sqrt(1 - a) * e[i]) / Math.sqrt(a);
          return Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * e[i] + s * z[i]; }); }`,
      says: 'the direction\'s weight shrinks to √(1 − ᾱ_{t\'} − σ_t²)',
    },
  ],
  'classifier-free-guidance': [
    { code: 'function guidedEps(c, u, w) { return u.map((v, i) => v + w * (c[i] - v)); }', says: "diffusers' form" },
    { code: 'function guidedEps(c, u, w) { return u.map((v, i) => (1 + w) * v - w * c[i]); }', says: 'the two predictions are swapped' },
  ],
  'sdedit-start': [
    {
      code: `function sdeditStartingPoint(x0, s, ts, ac, e) { const n = ts.length, run = Math.floor(n * s); if (!run) return { t0: null, xt: x0 };
        const t0 = ts[Math.min(run, n - 1)], a = ac[t0]; return { t0, xt: x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * e[i]) }; }`,
      says: 'you counted from the wrong end',
    },
    {
      code: `function sdeditStartingPoint(x0, s, ts, ac, e) { const n = ts.length, run = Math.floor(n * s); if (!run) return { t0: null, xt: x0 };
        const t0 = ts[n - run], a = ac[t0 - 1]; return { t0, xt: x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * e[i]) }; }`,
      says: 'not alphasCumprod[t₀ − 1]',
    },
    { code: 'function sdeditStartingPoint(x0, s, ts, ac, e) { return x0; }', says: 'must return an object { t0, xt }' },
  ],
};

const lessons = readLessons();
const starters = new Map<string, { code: string; lesson: number }>();
for (const lesson of lessons) for (const f of lesson.fences) if (f.kind === 'exercise' && f.id) starters.set(f.id, { code: f.code, lesson: lesson.number });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exercise fences and the registry', () => {
  it('has at least 8 exercises spread over lessons 2–8', () => {
    const ids = listExercises().map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(new Set(ids).size).toBe(ids.length);
    const covered = new Set(listExercises().map((e) => e.lesson));
    for (const n of [2, 3, 4, 5, 6, 7, 8]) expect(covered, `lesson ${n}`).toContain(n);
  });

  it('every `js exercise ID` fence has a registry entry from the same lesson, and every entry has a fence', () => {
    for (const lesson of lessons) {
      for (const f of lesson.fences.filter((x) => x.kind === 'exercise')) {
        const exercise = getExercise(f.id ?? '');
        expect(exercise, `${lesson.file}:${f.line} exercise ${String(f.id)}`).toBeDefined();
        expect(exercise!.lesson, `${lesson.file}:${f.line}`).toBe(lesson.number);
      }
    }
    for (const e of listExercises()) expect(starters.has(e.id), `no fence for ${e.id}`).toBe(true);
    const fenceCount = lessons.flatMap((l) => l.fences).filter((f) => f.kind === 'exercise').length;
    expect(fenceCount).toBe(starters.size);
  });

  it('every exercise has known mistakes to test', () => {
    for (const e of listExercises()) expect(WRONG[e.id]?.length ?? 0, e.id).toBeGreaterThan(0);
  });
});

describe.each(listExercises().map((e) => [e.id, e] as const))('exercise %s', (id, exercise) => {
  it('the starter defines the entry with its signature and fails the check', async () => {
    const starter = starters.get(id)!.code;
    const fn = defineEntry(starter, exercise.entry);
    expect(typeof fn).toBe('function');
    expect((fn as (...a: unknown[]) => unknown).length).toBe((defineEntry(exercise.solution, exercise.entry) as (...a: unknown[]) => unknown).length);
    const report = await checkExercise(id, { [exercise.entry]: fn });
    expect(report.passed).toBe(false);
    expect(report.messages.join(' ')).not.toBe('');
  });

  it('the solution passes', async () => {
    const before = tf.memory().numTensors;
    const report = await checkExercise(id, { [exercise.entry]: defineEntry(exercise.solution, exercise.entry) });
    expect(report.messages.join(' ')).toMatch(/.+/);
    expect(report, report.messages.join(' ')).toMatchObject({ passed: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(WRONG[id] ?? [])('a known mistake gets its message: $says', async ({ code, says }) => {
    const report = await checkExercise(id, { [exercise.entry]: defineEntry(code, exercise.entry) });
    expect(report.passed).toBe(false);
    expect(report.messages.join(' ')).toContain(says);
  });

  it('says so when the cell defines no function of that name', async () => {
    const report = await checkExercise(id, {});
    expect(report).toEqual({ passed: false, messages: [`Define a function named ${exercise.entry} in this cell, then run it again.`] });
  });
});

describe('on the wasm backend, as in the kernel', () => {
  it('every solution passes and every starter fails', async () => {
    await setupBackend('wasm', { strict: true });
    try {
      for (const e of listExercises()) {
        const solved = await checkExercise(e.id, { [e.entry]: defineEntry(e.solution, e.entry) });
        expect(solved.passed, `${e.id}: ${solved.messages.join(' ')}`).toBe(true);
        const started = await checkExercise(e.id, { [e.entry]: defineEntry(starters.get(e.id)!.code, e.entry) });
        expect(started.passed, e.id).toBe(false);
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
