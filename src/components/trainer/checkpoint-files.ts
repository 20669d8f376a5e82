/**
 * The two files of a checkpoint on the page side: handing the bytes the lab returns to the browser
 * as downloads, and telling a reader which files to pick. The lab checks the files themselves.
 */

export const CHECKPOINT_FILES = ['model.json', 'weights.bin'] as const;

/** Offers `data` as a download named `name` (an anchor with `download`, clicked once). */
export function downloadFile(doc: Document, name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the object URL can go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Saves a checkpoint's model.json and weights.bin as two downloads. */
export function downloadCheckpoint(doc: Document, files: { json: string; weights: ArrayBuffer }): void {
  downloadFile(doc, CHECKPOINT_FILES[0], files.json, 'application/json');
  downloadFile(doc, CHECKPOINT_FILES[1], files.weights, 'application/octet-stream');
}

/** A check before asking the lab: exactly one .json and one other file. Null when fine. */
export function checkPickedFiles(files: readonly { name: string }[]): string | null {
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json')).length;
  if (files.length === 2 && json === 1) return null;
  const names = files.length ? files.map((f) => f.name).join(', ') : 'no files';
  return `Pick the two files of a checkpoint together, model.json and weights.bin (got ${names}).`;
}
