/**
 * Lets queued messages run between steps of long work. A MessageChannel round trip is a fresh
 * task without the ≥ 4 ms clamp that nested zero-delay timeouts get, so a yield per training or
 * sampling step costs next to nothing.
 */
export function makeYield(): () => Promise<void> {
  if (typeof MessageChannel === 'undefined') return () => new Promise((resolve) => setTimeout(resolve, 0));
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}
