import { describe, expect, it } from 'vitest';
import { PROGRESS_KEY, createProgressStore, parseProgress, progressLabel, type KeyValueStore } from '../../../src/site/progress';

function memoryStorage(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe('learner progress', () => {
  it('records visits, completion and guesses, and keeps them across stores on the same storage', () => {
    const storage = memoryStorage();
    const store = createProgressStore(storage);
    store.markVisited('forward-process', 1000);
    store.recordPrediction('forward-process', 'two-ways', 1);
    store.setCompleted('forward-process', true, 2000);
    expect(store.get('forward-process')).toEqual({ visited: 1000, completed: 2000, predictions: { 'two-ways': 1 } });

    const later = createProgressStore(storage);
    expect(later.get('forward-process').completed).toBe(2000);
    later.setCompleted('forward-process', false);
    expect(createProgressStore(storage).get('forward-process')).toEqual({ visited: 1000, predictions: { 'two-ways': 1 } });
    expect(JSON.parse(storage.data.get(PROGRESS_KEY)!)).toHaveProperty('forward-process');
  });

  it('merges what another tab wrote instead of overwriting it', () => {
    const storage = memoryStorage();
    const tabA = createProgressStore(storage);
    const tabB = createProgressStore(storage);
    tabA.markVisited('a', 1);
    tabB.markVisited('b', 2);
    expect(Object.keys(createProgressStore(storage).all()).sort()).toEqual(['a', 'b']);
  });

  it('labels lessons new, visited or done', () => {
    expect(progressLabel(undefined)).toBe('new');
    expect(progressLabel({ visited: 1 })).toBe('visited');
    expect(progressLabel({ visited: 1, completed: 2 })).toBe('done');
  });

  it('ignores corrupt or foreign values', () => {
    expect(parseProgress('not json')).toEqual({});
    expect(parseProgress('[1,2]')).toEqual({});
    expect(parseProgress(JSON.stringify({ a: { visited: 'yesterday', completed: 5, predictions: { q: -1, r: 2, s: 1.5 } }, b: 3 }))).toEqual({
      a: { completed: 5, predictions: { r: 2 } },
    });
  });

  it('works without storage, and when storage throws', () => {
    const none = createProgressStore(null);
    none.markVisited('x', 5);
    expect(none.get('x').visited).toBe(5);
    const throwing: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    const store = createProgressStore(throwing);
    store.setCompleted('y', true, 9);
    expect(store.get('y').completed).toBe(9);
  });
});
