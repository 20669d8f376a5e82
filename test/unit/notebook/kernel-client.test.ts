/**
 * The page's kernel handle with a stand-in worker: output the kernel sends after a run ended (a
 * cell's timer that throws) goes under that cell, never makes the kernel look dead, and output for
 * no run reaches the page.
 */
import { describe, expect, it } from 'vitest';
import type { CellOutput, FromKernel, ToKernel } from '../../../src/notebook/kernel/protocol';
import { NotebookKernel } from '../../../src/notebook/page/kernel-client';

class StandInWorker extends EventTarget {
  readonly sent: ToKernel[] = [];
  terminated = false;
  postMessage(message: ToKernel): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: FromKernel): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
}

function kernelWithStandIn() {
  const worker = new StandInWorker();
  const stray: CellOutput[] = [];
  const kernel = new NotebookKernel(
    { assetsBase: 'http://localhost/assets/' },
    { trainedModel: () => Promise.reject(new Error('none')), onStrayOutput: (output) => stray.push(output) },
    () => worker as unknown as Worker,
  );
  return { kernel, worker, stray };
}

describe('kernel client', () => {
  it('shows a warning sent after a run ended under that run\'s cell, and keeps the kernel', async () => {
    const { kernel, worker, stray } = kernelWithStandIn();
    const outputs: CellOutput[] = [];
    const ended = kernel.run({ cell: 0, code: 'setTimeout(() => { throw new Error("x") })', onOutput: (o) => outputs.push(o) });
    const run = worker.sent.find((m) => m.type === 'run');
    expect(run).toBeDefined();
    const runId = (run as Extract<ToKernel, { type: 'run' }>).runId;
    worker.reply({ type: 'done', runId, ok: true });
    expect(await ended).toBe('ok');
    const late: CellOutput = { kind: 'warning', text: 'An error was thrown after the cell\'s run: Error: x' };
    worker.reply({ type: 'output', runId, output: late });
    expect(outputs).toEqual([late]);
    expect(stray).toEqual([]);
    expect(worker.terminated).toBe(false);
    expect(kernel.started).toBe(true);
  });

  it('hands output for no known run to the page', () => {
    const { kernel, worker, stray } = kernelWithStandIn();
    void kernel.run({ cell: 0, code: '1', onOutput: () => {} });
    const early: CellOutput = { kind: 'warning', text: 'early' };
    worker.reply({ type: 'output', runId: 0, output: early });
    expect(stray).toEqual([early]);
  });
});
