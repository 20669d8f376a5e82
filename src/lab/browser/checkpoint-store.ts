/**
 * The page's trained model kept in this browser (IndexedDB), as the same two files a download
 * gives: model.json text and the weights' bytes. One slot: saving again replaces it.
 */
import type { CheckpointSummary } from '../lab-api';

const DB_NAME = 'diffusion-lab';
const STORE = 'checkpoints';
const KEY = 'trained';

export interface StoredCheckpoint {
  json: string;
  weights: ArrayBuffer;
  summary: CheckpointSummary;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser offers no IndexedDB here (private mode?); download the checkpoint instead'));
      return;
    }
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`could not open IndexedDB: ${request.error?.message ?? 'unknown error'}`));
  });
}

async function withStore<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'the transaction failed'}`));
      tx.onabort = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'the transaction was aborted (storage full?)'}`));
    });
  } finally {
    db.close();
  }
}

export async function storeCheckpoint(entry: StoredCheckpoint): Promise<void> {
  await withStore<IDBValidKey>('readwrite', (store) => store.put(entry, KEY));
}

/** The stored checkpoint, or null when none was saved in this browser. */
export async function readStoredCheckpoint(): Promise<StoredCheckpoint | null> {
  const value = await withStore<StoredCheckpoint | undefined>('readonly', (store) => store.get(KEY));
  return value ?? null;
}
