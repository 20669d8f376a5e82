/**
 * The learner's progress, kept in this browser only (localStorage): which lessons were opened,
 * which were marked done, and the guesses made in "predict, then check" questions. Nothing is
 * sent anywhere. When storage is unavailable (private mode, blocked cookies) progress simply
 * lasts as long as the page.
 */

export const PROGRESS_KEY = 'diffusion-lab:progress:v1';

export interface LessonProgress {
  /** When the lesson was last opened (ms since the epoch). */
  visited?: number;
  /** When the lesson was marked done; absent when not done. */
  completed?: number;
  /** Predict-question id → index of the option the learner locked in. */
  predictions?: Record<string, number>;
}

export type ProgressMap = Record<string, LessonProgress>;

/** The part of the Storage API progress needs, so tests can pass a plain object. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ProgressStore {
  get(lessonId: string): LessonProgress;
  all(): ProgressMap;
  markVisited(lessonId: string, now?: number): void;
  setCompleted(lessonId: string, done: boolean, now?: number): void;
  recordPrediction(lessonId: string, questionId: string, choice: number): void;
}

/** localStorage, or null where the browser refuses it (reading it can throw). */
export function browserStorage(): KeyValueStore | null {
  try {
    const storage = globalThis.localStorage;
    if (!storage) return null;
    const probe = `${PROGRESS_KEY}:probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

/** Keeps only well-formed entries, so a hand-edited or older value never breaks a page. */
export function parseProgress(text: string | null): ProgressMap {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: ProgressMap = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const entry = value as Record<string, unknown>;
    const clean: LessonProgress = {};
    if (typeof entry.visited === 'number' && Number.isFinite(entry.visited)) clean.visited = entry.visited;
    if (typeof entry.completed === 'number' && Number.isFinite(entry.completed)) clean.completed = entry.completed;
    if (entry.predictions && typeof entry.predictions === 'object') {
      const predictions: Record<string, number> = {};
      for (const [question, choice] of Object.entries(entry.predictions as Record<string, unknown>)) {
        if (Number.isInteger(choice) && (choice as number) >= 0) predictions[question] = choice as number;
      }
      if (Object.keys(predictions).length > 0) clean.predictions = predictions;
    }
    out[id] = clean;
  }
  return out;
}

export function createProgressStore(storage: KeyValueStore | null = browserStorage()): ProgressStore {
  let memory: ProgressMap = parseProgress(read());

  function read(): string | null {
    try {
      return storage?.getItem(PROGRESS_KEY) ?? null;
    } catch {
      return null;
    }
  }

  function update(lessonId: string, change: (entry: LessonProgress) => void): void {
    // Re-read first: another tab may have written since this page loaded.
    memory = { ...memory, ...parseProgress(read()) };
    const entry = { ...(memory[lessonId] ?? {}) };
    change(entry);
    memory[lessonId] = entry;
    try {
      storage?.setItem(PROGRESS_KEY, JSON.stringify(memory));
    } catch {
      // Quota or privacy settings: keep the in-memory copy.
    }
  }

  return {
    get: (lessonId) => ({ ...(memory[lessonId] ?? {}) }),
    all: () => ({ ...memory }),
    markVisited(lessonId, now = Date.now()) {
      update(lessonId, (entry) => {
        entry.visited = now;
      });
    },
    setCompleted(lessonId, done, now = Date.now()) {
      update(lessonId, (entry) => {
        if (done) entry.completed = now;
        else delete entry.completed;
      });
    },
    recordPrediction(lessonId, questionId, choice) {
      update(lessonId, (entry) => {
        entry.predictions = { ...(entry.predictions ?? {}), [questionId]: choice };
      });
    },
  };
}

export type ProgressLabel = 'done' | 'visited' | 'new';

export function progressLabel(entry: LessonProgress | undefined): ProgressLabel {
  if (entry?.completed !== undefined) return 'done';
  if (entry?.visited !== undefined) return 'visited';
  return 'new';
}
