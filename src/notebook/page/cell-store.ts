/**
 * A learner's edits, kept in localStorage per lesson and per cell (the cell's index in the page,
 * which the lesson's Markdown fixes): `diffusion-lab:cells:<lesson id>` → { "<index>": source }.
 * Storage that is full or switched off (private windows) loses the edits, never the page.
 */
import type { CellEdits } from './cell-link';

export interface CellStore {
  all(): CellEdits;
  save(index: number, source: string): void;
  forget(index: number): void;
}

export function cellStoreKey(lessonId: string): string {
  return `diffusion-lab:cells:${lessonId}`;
}

export function createCellStore(lessonId: string, storage: Storage | null = safeLocalStorage()): CellStore {
  const key = cellStoreKey(lessonId);
  const read = (): CellEdits => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
      if (!parsed || typeof parsed !== 'object') return {};
      const edits: CellEdits = {};
      for (const [index, source] of Object.entries(parsed)) if (typeof source === 'string') edits[Number(index)] = source;
      return edits;
    } catch {
      return {};
    }
  };
  const write = (edits: CellEdits): void => {
    try {
      if (Object.keys(edits).length === 0) storage?.removeItem(key);
      else storage?.setItem(key, JSON.stringify(edits));
    } catch {
      // Full or forbidden: the edit stays on the page until it is closed.
    }
  };
  return {
    all: read,
    save(index, source) {
      write({ ...read(), [index]: source });
    },
    forget(index) {
      const edits = read();
      delete edits[index];
      write(edits);
    },
  };
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
