/**
 * The worker's dispatch: each request runs the host method of the same name (LAB_METHODS says
 * how it travels) and is answered with one reply; errors travel back with their name and message.
 * A streamed request gets a StreamJob: its steps go to the page, and the page's 'cancel' aborts it.
 * Kept apart from lab-worker.ts (which only wires it to the worker's messages) so it can be tested.
 */
import {
  LAB_METHODS,
  isMethodName,
  serializeError,
  transferablesOf,
  type FromWorker,
  type HostArgs,
  type LabHostMethods,
  type LabResult,
  type MethodName,
  type StreamJob,
  type ToWorker,
} from './protocol';

/** Posts a message to the page, moving `transfer` instead of copying it. */
export type PostToPage = (message: FromWorker, transfer: Transferable[]) => void;

/** Runs host method `method` with its arguments. */
function invoke<K extends MethodName>(host: LabHostMethods, method: K, args: HostArgs<K>): LabResult<K> | Promise<LabResult<K>> {
  const implementation: (...args: HostArgs<K>) => LabResult<K> | Promise<LabResult<K>> = host[method];
  return implementation.apply(host, args);
}

/** Returns the handler for every message the page sends. */
export function labDispatcher(host: LabHostMethods, post: PostToPage): (message: ToWorker) => void {
  /** Streamed requests in flight, by id. */
  const jobs = new Map<number, AbortController>();

  return (message) => {
    if (message.type === 'cancel') {
      jobs.get(message.id)?.abort();
      return;
    }
    const { id, method } = message;
    const reply = (run: () => unknown, transfer: boolean): void => {
      Promise.resolve()
        .then(run)
        .then(
          (value) => post({ type: 'reply', id, ok: true, value: value ?? null }, transfer ? transferablesOf(value) : []),
          (error: unknown) => post({ type: 'reply', id, ok: false, error: serializeError(error) }, []),
        )
        .finally(() => jobs.delete(id));
    };
    if (!isMethodName(method)) {
      reply(() => {
        throw new Error(`unknown lab request ${JSON.stringify(method)}`);
      }, false);
      return;
    }
    const spec = LAB_METHODS[method];
    let args: unknown[] = message.args;
    if (spec.kind === 'stream') {
      // Registered before the host starts, so a cancel that arrives during its checks still stops it.
      const controller = new AbortController();
      jobs.set(id, controller);
      const job: StreamJob = {
        signal: controller.signal,
        step: (step) => post({ type: 'sample-step', id, step }, transferablesOf(step)),
      };
      args = [...args, job];
    }
    reply(() => invoke(host, method, args as HostArgs<typeof method>), spec.transfer);
  };
}
