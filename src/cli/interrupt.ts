/**
 * An AbortController that the first of `signals` aborts (after printing `message`), so a training
 * loop can stop after its current step and still save; a second signal quits at once with 130.
 */
export function abortOnSignals(message: string, signals: readonly NodeJS.Signals[] = ['SIGINT']): AbortController {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(message);
    controller.abort();
  };
  for (const s of signals) process.on(s, stop);
  return controller;
}
