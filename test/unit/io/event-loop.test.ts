import { describe, expect, it } from 'vitest';
import { makeYield, nextTask, postTask } from '../../../src/io/event-loop';

describe('event loop: tasks of their own', () => {
  it('runs posted tasks after the current one, in the order posted', async () => {
    const order: string[] = [];
    postTask(() => order.push('a'));
    postTask(() => order.push('b'));
    order.push('now');
    await Promise.resolve();
    expect(order).toEqual(['now']); // not a microtask
    await nextTask();
    await nextTask();
    expect(order).toEqual(['now', 'a', 'b']);
  });

  it('a cancelled task never runs', async () => {
    let ran = false;
    const cancel = postTask(() => (ran = true));
    cancel();
    await nextTask();
    await nextTask();
    expect(ran).toBe(false);
  });

  it('makeYield gives a function that resolves in a later task', async () => {
    const pause = makeYield();
    let after = false;
    postTask(() => (after = true));
    await pause();
    await pause();
    expect(after).toBe(true);
  });
});
