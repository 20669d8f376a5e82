/**
 * How the lab starts its workers (src/lab/browser/module-worker.ts): directly when the script is
 * on the starter's origin, through a same-origin blob that imports the script's absolute URL
 * when it is not (a kit served from a CDN), with the blob URL revoked once the worker holds it.
 */
import { describe, expect, it } from 'vitest';
import { blobImportSource, planWorkerStart, startModuleWorker, type WorkerPlatform, type WorkerStarter } from '../../../src/lab/browser/module-worker';

const PAGE: WorkerStarter = { origin: 'https://course.example', baseUrl: 'https://course.example/week1/lesson.html' };

describe('planWorkerStart', () => {
  it('starts a script of the same origin directly, by the URL it was given', () => {
    expect(planWorkerStart('/widgets/lab-worker-abc.js', PAGE)).toEqual({ kind: 'direct', url: '/widgets/lab-worker-abc.js' });
    expect(planWorkerStart('https://course.example/kit/lab-worker.js', PAGE)).toEqual({ kind: 'direct', url: 'https://course.example/kit/lab-worker.js' });
    // Vite's development URL of the worker, relative to the page's host.
    expect(planWorkerStart('/src/lab/browser/lab-worker.ts?worker_file&type=module', PAGE).kind).toBe('direct');
  });

  it('starts a script of another origin from a blob that imports its absolute URL', () => {
    const plan = planWorkerStart('https://cdn.example/npm/diffusion-lab@0.2.0/dist/widgets/lab-worker-abc.js', PAGE);
    expect(plan).toEqual({
      kind: 'blob',
      url: 'https://cdn.example/npm/diffusion-lab@0.2.0/dist/widgets/lab-worker-abc.js',
      source: 'import "https://cdn.example/npm/diffusion-lab@0.2.0/dist/widgets/lab-worker-abc.js";\n',
    });
  });

  it('treats another port or scheme of the same host as another origin', () => {
    expect(planWorkerStart('https://course.example:8443/lab-worker.js', PAGE).kind).toBe('blob');
    expect(planWorkerStart('http://course.example/lab-worker.js', PAGE).kind).toBe('blob');
    expect(planWorkerStart('http://127.0.0.1:5001/w.js', { origin: 'http://localhost:5000', baseUrl: 'http://localhost:5000/' }).kind).toBe('blob');
  });

  it('inside a worker started from a blob, compares with the page origin the blob carries', () => {
    // The lab worker starts its replicas: its base is a blob URL, its origin the page's.
    const inBlobWorker: WorkerStarter = { origin: 'https://course.example', baseUrl: 'blob:https://course.example/6f1c2d' };
    expect(planWorkerStart('https://cdn.example/kit/replica-worker.js', inBlobWorker).kind).toBe('blob');
    expect(planWorkerStart('https://course.example/kit/replica-worker.js', inBlobWorker).kind).toBe('direct');
  });

  it('names the URL that cannot be resolved', () => {
    const inBlobWorker: WorkerStarter = { origin: 'https://course.example', baseUrl: 'blob:https://course.example/6f1c2d' };
    expect(() => planWorkerStart('replica-worker.js', inBlobWorker)).toThrow(/cannot start a worker from "replica-worker\.js"/);
  });
});

describe('blobImportSource', () => {
  it('quotes the URL as a string literal, so no character of it can end the import', () => {
    const odd = 'https://cdn.example/a"b\\c/lab.js';
    const source = blobImportSource(odd);
    expect(source).toBe(`import ${JSON.stringify(odd)};\n`);
    expect(JSON.parse(source.slice('import '.length, -2))).toBe(odd);
  });
});

describe('startModuleWorker', () => {
  interface FakeWorker {
    url: string;
    options: WorkerOptions;
  }

  function platform(starter: WorkerStarter) {
    const log: string[] = [];
    const blobs = new Map<string, Blob>();
    const fake: WorkerPlatform<FakeWorker> = {
      starter,
      createWorker: (url, options) => {
        log.push(`worker ${url}`);
        return { url, options };
      },
      createObjectUrl: (blob) => {
        const url = `blob:${starter.origin}/${blobs.size + 1}`;
        blobs.set(url, blob);
        log.push(`create ${url}`);
        return url;
      },
      revokeObjectUrl: (url) => log.push(`revoke ${url}`),
    };
    return { fake, log, blobs };
  }

  it('starts a same-origin module worker directly, with no blob', () => {
    const { fake, log } = platform(PAGE);
    const worker = startModuleWorker('/kit/lab-worker.js', 'diffusion-lab', fake);
    expect(worker).toEqual({ url: '/kit/lab-worker.js', options: { type: 'module', name: 'diffusion-lab' } });
    expect(log).toEqual(['worker /kit/lab-worker.js']);
  });

  it('starts a cross-origin module worker from a JavaScript blob, then revokes the blob URL', async () => {
    const { fake, log, blobs } = platform(PAGE);
    const worker = startModuleWorker('https://cdn.example/kit/lab-worker.js', 'diffusion-lab', fake);
    expect(worker).toEqual({ url: 'blob:https://course.example/1', options: { type: 'module', name: 'diffusion-lab' } });
    expect(log).toEqual(['create blob:https://course.example/1', 'worker blob:https://course.example/1', 'revoke blob:https://course.example/1']);
    const blob = blobs.get('blob:https://course.example/1')!;
    expect(blob.type).toBe('text/javascript');
    expect(await blob.text()).toBe('import "https://cdn.example/kit/lab-worker.js";\n');
  });

  it('revokes the blob URL even when the worker cannot be constructed', () => {
    const { fake, log } = platform(PAGE);
    fake.createWorker = () => {
      throw new Error('blocked by policy');
    };
    expect(() => startModuleWorker('https://cdn.example/kit/lab-worker.js', 'diffusion-lab', fake)).toThrow('blocked by policy');
    expect(log).toEqual(['create blob:https://course.example/1', 'revoke blob:https://course.example/1']);
  });
});
