/**
 * The lab's one table of requests (protocol.ts) end to end without a browser: the page's client
 * (lab-client.ts) talks through a MessageChannel to the worker's dispatch (lab-dispatch.ts) on a
 * stand-in host. Checks that every request of the table exists on both sides, that arguments,
 * results, errors, steps, cancellation and transfers cross as the worker's real messages do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectLab, type LabWorker } from '../../../src/lab/browser/lab-client';
import { labDispatcher } from '../../../src/lab/browser/lab-dispatch';
import { LabHost } from '../../../src/lab/browser/lab-host';
import { LAB_METHODS, type LabHostMethods, type StreamJob, type ToWorker, type WorkerInit } from '../../../src/lab/browser/protocol';
import type { Lab, LabStatus, SampleRequest, SampleStep } from '../../../src/lab/lab-api';

const INIT: WorkerInit = { backend: 'cpu', assetsBase: 'http://localhost/assets/' };
const STATUS: LabStatus = { backend: 'cpu', reason: 'asked for cpu', tried: [{ name: 'cpu', ok: true }] };
const REQUEST: SampleRequest = { sampler: 'ddim', steps: 3, count: 1, seed: 1, recordSteps: true };

/** The host methods a test defines; any other request throws as an unimplemented one would. */
type PartialHost = Partial<Record<keyof LabHostMethods, (...args: never[]) => unknown>>;

const open: Array<{ lab: Lab; ports: MessagePort[] }> = [];

/** A lab whose worker is `host` behind a MessageChannel, as lab-worker.ts wires the real one. */
function labOn(host: PartialHost): Lab {
  const { port1: page, port2: worker } = new MessageChannel();
  const dispatch = labDispatcher(host as unknown as LabHostMethods, (message, transfer) => worker.postMessage(message, transfer));
  worker.addEventListener('message', (event) => dispatch((event as MessageEvent<ToWorker>).data));
  worker.start();
  const fakeWorker: LabWorker = {
    postMessage: (message, options) => page.postMessage(message, options?.transfer ?? []),
    addEventListener: (type: string, listener: (event: never) => void) => {
      page.addEventListener(type, listener as EventListener);
      page.start();
    },
    terminate: () => page.close(),
  };
  const lab = connectLab(INIT, () => fakeWorker);
  open.push({ lab, ports: [page, worker] });
  return lab;
}

afterEach(() => {
  for (const { lab, ports } of open.splice(0)) {
    lab.dispose();
    for (const p of ports) p.close();
  }
});

/** What a promise settles to: its value, or its error's class, name and message. */
async function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: { isDomException: boolean; name: string; message: string } }> {
  try {
    return { value: await promise };
  } catch (e) {
    const error = e as Error;
    return { error: { isDomException: error instanceof DOMException, name: error.name, message: error.message } };
  }
}

describe('the table of lab requests', () => {
  it('has a LabHost method and a client function for every entry (init only behind ready())', () => {
    const names = Object.keys(LAB_METHODS);
    for (const name of names) expect(typeof (LabHost.prototype as unknown as Record<string, unknown>)[name], name).toBe('function');
    const lab = labOn({}) as unknown as Record<string, unknown>;
    const requests = names.filter((n) => n !== 'init');
    for (const name of requests) expect(typeof lab[name], name).toBe('function');
    // init is sent by ready() alone.
    expect(typeof lab.init).not.toBe('function');
    expect(Object.values(LAB_METHODS).filter((m) => m.kind === 'stream').length).toBe(3);
  });
});

describe('the client and the dispatch', () => {
  it('starts the worker with the page options, announces the backend, then sends every argument', async () => {
    const calls: unknown[][] = [];
    const lab = labOn({
      init: (options: WorkerInit) => {
        calls.push(['init', options]);
        return STATUS;
      },
      classify: (images: Float32Array, count: number) => {
        calls.push(['classify', Array.from(images), count]);
        return { labels: Int32Array.of(3, 4), confidence: Float32Array.of(0.5, 0.25) };
      },
      pauseTraining: () => {
        calls.push(['pauseTraining']);
      },
    });
    const backends: string[] = [];
    lab.addEventListener('backend', (e) => backends.push(e.detail.backend));
    const images = Float32Array.of(1, 2, 3, 4);
    const result = await lab.classify(images, 2);
    expect(Array.from(result.labels)).toEqual([3, 4]);
    expect(Array.from(result.confidence)).toEqual([0.5, 0.25]);
    // Arguments are copied: the caller keeps its array.
    expect(images.length).toBe(4);
    expect(await lab.pauseTraining()).toBeNull();
    expect(await lab.ready()).toEqual(STATUS);
    expect(calls).toEqual([['init', INIT], ['classify', [1, 2, 3, 4], 2], ['pauseTraining']]);
    expect(backends).toEqual(['cpu']);
  });

  it('transfers the results of requests marked so, and copies the others', async () => {
    const sent = { labels: Int32Array.of(1), confidence: Float32Array.of(1) };
    const kept = Float32Array.of(1, 2, 3);
    const lab = labOn({ init: () => STATUS, classify: () => sent, trainProgress: () => ({ kept }) });
    expect(LAB_METHODS.classify.transfer).toBe(true);
    expect(LAB_METHODS.trainProgress.transfer).toBe(false);
    await lab.classify(new Float32Array(784), 1);
    expect(sent.labels.byteLength).toBe(0);
    expect(sent.confidence.byteLength).toBe(0);
    await lab.trainProgress();
    expect(kept.length).toBe(3);
  });

  it('rejects with the worker error’s name and message, AbortError as a DOMException', async () => {
    class CheckpointError extends Error {
      override name = 'CheckpointError';
    }
    const lab = labOn({
      init: () => STATUS,
      modelInfo: () => {
        throw new RangeError('unknown model source "x"; allowed: shipped, trained');
      },
      loadCheckpoint: async () => {
        throw new CheckpointError('weights.bin is corrupt');
      },
      resetTraining: () => {
        throw new DOMException('stopped', 'AbortError');
      },
    });
    expect(await outcome(lab.modelInfo('x' as never))).toEqual({
      error: { isDomException: false, name: 'RangeError', message: 'unknown model source "x"; allowed: shipped, trained' },
    });
    expect(await outcome(lab.loadCheckpoint('indexeddb'))).toEqual({
      error: { isDomException: false, name: 'CheckpointError', message: 'weights.bin is corrupt' },
    });
    expect(await outcome(lab.resetTraining())).toEqual({ error: { isDomException: true, name: 'AbortError', message: 'stopped' } });
    // A request the host does not implement is an error of that request alone.
    expect(await outcome(lab.numTensors())).toMatchObject({ error: { name: 'TypeError' } });
    expect(await lab.ready()).toEqual(STATUS);
  });

  it('answers a request the table does not know with an error naming it', async () => {
    const posted: unknown[] = [];
    const dispatch = labDispatcher({} as LabHostMethods, (message) => posted.push(message));
    dispatch({ type: 'request', id: 7, method: 'toString', args: [] } as unknown as ToWorker);
    await new Promise((r) => setTimeout(r, 0));
    expect(posted).toEqual([{ type: 'reply', id: 7, ok: false, error: { name: 'Error', message: 'unknown lab request "toString"' } }]);
  });

  it('a failed start rejects every request with its reason, and the next request tries again', async () => {
    let starts = 0;
    const lab = labOn({
      init: () => {
        starts++;
        if (starts === 1) throw new Error('could not load tfjs-backend-wasm.wasm');
        return STATUS;
      },
      trainProgress: () => null,
    });
    expect(await outcome(lab.trainProgress())).toEqual({
      error: { isDomException: false, name: 'Error', message: 'could not load tfjs-backend-wasm.wasm' },
    });
    expect(await lab.trainProgress()).toBeNull();
    expect(starts).toBe(2);
  });

  it('streams the steps of a streamed request before its result, with a StreamJob for the host', async () => {
    const received: unknown[] = [];
    const lab = labOn({
      init: () => STATUS,
      sample: async (request: SampleRequest, job: StreamJob) => {
        received.push(request, job.signal.aborted);
        for (let index = 0; index < request.steps; index++) {
          job.step({ index, total: request.steps, timestep: 900 - index, xt: Float32Array.of(index), x0: Float32Array.of(-index) });
        }
        return { images: Float32Array.of(0.5), count: 1, nfe: request.steps, wallMs: 1, xT: Float32Array.of(1) };
      },
    });
    const steps: SampleStep[] = [];
    const result = await lab.sample(REQUEST, { onStep: (s) => steps.push(s) });
    expect(received).toEqual([REQUEST, false]);
    expect(steps.map((s) => [s.index, s.timestep, s.xt[0], s.x0[0]])).toEqual([
      [0, 900, 0, -0],
      [1, 899, 1, -1],
      [2, 898, 2, -2],
    ]);
    expect(result.nfe).toBe(3);
    expect(Array.from(result.images)).toEqual([0.5]);
  });

  it('an abort rejects at once with an AbortError and aborts the host job’s signal; other requests go on', async () => {
    let signal: AbortSignal | null = null;
    let hostSawAbort: () => void = () => undefined;
    const hostStopped = new Promise<void>((resolve) => (hostSawAbort = resolve));
    const lab = labOn({
      init: () => STATUS,
      inpaint: (_request: unknown, job: StreamJob) =>
        new Promise((_resolve, reject) => {
          signal = job.signal;
          job.step({ index: 0, total: 10, timestep: 999, xt: new Float32Array(1), x0: new Float32Array(1) });
          job.signal.addEventListener('abort', () => {
            hostSawAbort();
            reject(new DOMException('Sampling was cancelled', 'AbortError'));
          });
        }),
      trainProgress: () => null,
    });
    const controller = new AbortController();
    const run = lab.inpaint({} as never, { signal: controller.signal, onStep: () => controller.abort() });
    expect(await outcome(run)).toEqual({ error: { isDomException: true, name: 'AbortError', message: 'Sampling was cancelled' } });
    await hostStopped;
    expect(signal!.aborted).toBe(true);
    expect(await lab.trainProgress()).toBeNull();

    // An already aborted signal never reaches the worker.
    let calls = 0;
    const other = labOn({ init: () => STATUS, sdedit: () => calls++ });
    const aborted = AbortSignal.abort();
    expect(await outcome(other.sdedit({} as never, { signal: aborted }))).toMatchObject({ error: { name: 'AbortError' } });
    expect(calls).toBe(0);
  });

  it('dispose rejects what is in flight and every later request', async () => {
    const lab = labOn({ init: () => STATUS, resumeTraining: () => new Promise(() => undefined) });
    await lab.ready();
    const running = lab.resumeTraining();
    lab.dispose();
    expect(await outcome(running)).toMatchObject({ error: { message: 'the lab was disposed' } });
    expect(await outcome(lab.trainProgress())).toMatchObject({ error: { message: 'the lab was disposed' } });
  });
});
