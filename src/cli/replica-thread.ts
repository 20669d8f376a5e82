/**
 * The program of one data-parallel replica in Node (a worker_threads Worker started by
 * worker-thread-replicas.ts): starts the backend the parent names, then serves the replica
 * protocol (src/training/replica.ts) on the parent port.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from '../backend/node';
import { UNet } from '../model/unet';
import { validateUNetConfig } from '../model/config';
import { DDPMScheduler } from '../diffusion';
import { serveReplica } from '../training/replica';
import type { ToReplica } from '../training/replica-protocol';

const port = parentPort;
if (!port) throw new Error('replica-thread runs only as a worker thread');
const { backend } = workerData as { backend: string };
const ready = setupBackend(backend, { strict: true });

serveReplica(
  {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (handler) => port.on('message', (message: ToReplica) => handler(message)),
  },
  async (setup) => {
    await ready;
    // Any seed: the coordinator's first sync replaces the weights.
    return { model: new UNet(validateUNetConfig(setup.model), 0), scheduler: new DDPMScheduler(setup.scheduler) };
  },
);
