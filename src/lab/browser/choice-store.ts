/**
 * Where the page keeps the lab's measured backend choice (LabStatus.choice) between visits: one
 * localStorage entry per origin. The worker decides whether it still applies (device, age); here
 * it is only read and written, and a browser that refuses storage just measures again.
 */
import type { BackendChoice } from '../../training/backend-choice';

export const CHOICE_STORAGE_KEY = 'diffusion-lab:backend-choice';

export function readStoredChoice(): unknown {
  try {
    const text = globalThis.localStorage?.getItem(CHOICE_STORAGE_KEY);
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export function storeChoice(choice: BackendChoice & { remembered?: boolean }): void {
  try {
    const { remembered: _, ...kept } = choice;
    globalThis.localStorage?.setItem(CHOICE_STORAGE_KEY, JSON.stringify(kept));
  } catch {
    // Private mode or a full quota: the next visit measures again.
  }
}
