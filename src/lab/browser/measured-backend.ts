/**
 * The lab's "auto" backend: the choice remembered for this device, or else a new measurement
 * (backend-probe.ts) of a training step of the widget's default run (the live recipe) on each
 * backend the browser offers. The page stores the result (lab-client.ts), so the 2 s of timing
 * happen once per device.
 */
import { gpuBackendsHere } from '../../backend';
import { presetConfig } from '../../model/config';
import { chooseBackend, deviceKey, rememberedChoice, type BackendChoice } from '../../training/backend-choice';
import { LIVE_RECIPE } from '../../training/live-recipe';
import { probeTrainingBackends } from './backend-probe';
import type { WorkerInit } from './protocol';
import { defaultWorkerCount } from './web-worker-replicas';

export async function measuredBackend(init: WorkerInit): Promise<(BackendChoice & { remembered: boolean }) | null> {
  const { usable, gpu } = await gpuBackendsHere();
  const device = deviceKey({ userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, gpu });
  const remembered = rememberedChoice(init.rememberedChoice, device);
  if (remembered) return { ...remembered, remembered: true };
  const config = presetConfig(LIVE_RECIPE.preset);
  const wasmWorkers = typeof init.workers === 'number' ? init.workers : defaultWorkerCount('wasm');
  const timings = await probeTrainingBackends({
    setup: { model: { ...config }, scheduler: { ...LIVE_RECIPE.scheduler }, imageShape: [28, 28, 1], numClasses: config.numClasses },
    numTrainTimesteps: LIVE_RECIPE.scheduler.numTrainTimesteps,
    // Every candidate is timed at one worker's share of a live batch, whatever its worker count,
    // so the ms/step figures compare like for like; the winner's worker count then sets the run's
    // batch (liveBatchSize).
    batchSize: LIVE_RECIPE.batchPerWorker,
    wasmWorkers,
    gpuBackends: usable,
    wasmBase: init.wasmBase,
  });
  return { ...chooseBackend(timings, device, 'wasm'), remembered: false };
}
