/**
 * The lab's Web Worker: receives requests from lab-client.ts, runs them on a LabHost and answers
 * each with one reply; errors travel back with their name and message. Results' arrays are
 * transferred, not copied.
 */
import { LabHost } from './lab-host';
import { serializeError, transferablesOf, type FromWorker, type RequestMessage, type ToWorker } from './protocol';

function post(message: FromWorker): void {
  const transfer = message.type === 'reply' && message.ok ? transferablesOf(message.value) : message.type === 'reply' ? [] : transferablesOf(message);
  self.postMessage(message, { transfer });
}

const host = new LabHost({
  event: (message) => post(message),
  step: (id, step) => post({ type: 'sample-step', id, step }),
});

function run(message: RequestMessage): Promise<unknown> | unknown {
  switch (message.method) {
    case 'init':
      return host.init(message.arg);
    case 'modelInfo':
      return host.modelInfo(message.arg);
    case 'startTraining':
      return host.startTraining(message.arg);
    case 'pauseTraining':
      return host.pauseTraining();
    case 'resumeTraining':
      return host.resumeTraining();
    case 'resetTraining':
      return host.resetTraining();
    case 'trainProgress':
      return host.trainProgress();
    case 'sample':
      return host.sample(message.id, message.arg);
    case 'classify':
      return host.classify(message.arg.images, message.arg.count);
    case 'saveCheckpoint':
      return host.saveCheckpoint(message.arg);
    case 'loadCheckpoint':
      return host.loadCheckpoint(message.arg);
    case 'numTensors':
      return host.numTensors();
    // Editing (host-editing.ts).
    case 'inpaint':
      return host.inpaint(message.id, message.arg);
    case 'sdedit':
      return host.sdedit(message.id, message.arg);
    // Latent diffusion (host-latent.ts).
    case 'latentInfo':
      return host.latentInfo(message.arg);
    case 'latentReconstruct':
      return host.latentReconstruct(message.arg);
    case 'latentSample':
      return host.latentSample(message.id, message.arg);
    default:
      throw new Error(`unknown lab request ${JSON.stringify((message as { method?: unknown }).method)}`);
  }
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    host.cancel(message.id);
    return;
  }
  const { id } = message;
  Promise.resolve()
    .then(() => run(message))
    .then(
      (value) => post({ type: 'reply', id, ok: true, value: value ?? null }),
      (error: unknown) => post({ type: 'reply', id, ok: false, error: serializeError(error) }),
    );
});
