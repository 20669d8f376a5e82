/**
 * The one way long work in this project hands the thread back: on the page's main thread (the
 * 2-D widgets' training slices) and in the lab's worker (a yield per training or sampling step).
 *
 * A MessageChannel round trip is a fresh task without the ≥ 4 ms clamp that nested zero-delay
 * timeouts get, so the browser can render and handle input in between and a yield costs next to
 * nothing. Each task gets its own channel, closed once it has run, so nothing keeps a Node
 * process alive after the work ends. Where MessageChannel is missing, setTimeout(0) stands in.
 *
 * No imports: every folder of src/ may use it.
 */

/** Runs `run` in a task of its own after the current one; returns a function that cancels it. */
export function postTask(run: () => void): () => void {
  if (typeof MessageChannel === 'undefined') {
    const id = setTimeout(run, 0);
    return () => clearTimeout(id);
  }
  const channel = new MessageChannel();
  let cancelled = false;
  channel.port1.onmessage = () => {
    channel.port1.close();
    if (!cancelled) run();
  };
  channel.port2.postMessage(null);
  return () => {
    cancelled = true;
    channel.port1.close();
  };
}

/** Resolves in a task of its own: `await nextTask()` lets queued messages and rendering run. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => postTask(resolve));
}

/** A yield function for code that is handed one (the lab's training session and sampling jobs). */
export function makeYield(): () => Promise<void> {
  return nextTask;
}
