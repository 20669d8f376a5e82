/**
 * A data-parallel replica in the page (a Web Worker that the lab's worker starts, see
 * web-worker-replicas.ts): its first message names the backend, which starts the same way as in
 * the lab's worker; then it serves the replica protocol (src/training/replica.ts).
 */
import { setupBackend } from '../../backend';
import { schedulerFor } from '../../diffusion/pipelines/sampling';
import type { DDPMScheduler } from '../../diffusion';
import { validateUNetConfig } from '../../model/config';
import { UNet } from '../../model/unet';
import { serveReplica } from '../../training/replica';
import type { ToReplica } from '../../training/replica-protocol';
import type { ReplicaStart } from './web-worker-replicas';

let started: Promise<unknown> | null = null;
let toReplica: ((message: ToReplica) => void) | null = null;

serveReplica(
  {
    post: (message, transfer) => self.postMessage(message, { transfer }),
    onMessage: (handler) => {
      toReplica = handler;
    },
  },
  async (setup) => {
    if (!started) throw new Error('replica: no backend was named');
    await started;
    // Any seed: the coordinator's first sync replaces the weights.
    return { model: new UNet(validateUNetConfig(setup.model), 0), scheduler: schedulerFor('ddpm', setup.scheduler) as DDPMScheduler };
  },
);

self.addEventListener('message', (event: MessageEvent<ReplicaStart | ToReplica>) => {
  const message = event.data;
  if (message.type === 'start') {
    started = setupBackend(message.backend, { wasmBaseUrl: message.wasmBase, strict: true });
    return;
  }
  toReplica?.(message);
});
