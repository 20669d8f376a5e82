/**
 * Edited cells in a link: `#cells=<code>`, where <code> is "1" (the format's version) followed by
 * the base64url of the raw-deflated JSON { "<cell index>": "<source>", … }. Deflate keeps a few
 * edited cells within the length a chat message or a mail client passes on unbroken.
 */
export const CELLS_HASH_KEY = 'cells';
const VERSION = '1';
/** Most characters a link may carry for its cells (browsers accept far more; people do not). */
export const MAX_ENCODED_LENGTH = 16_000;
/** Most bytes a link's cells may inflate to: a small link must not unpack into hundreds of MB. */
export const MAX_DECODED_BYTES = 1_000_000;

class TooLargeError extends Error {}

export type CellEdits = Record<number, string>;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipeBytes(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates raw-deflated `bytes`, giving up as soon as the output passes `limit` bytes. */
async function inflateCapped(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLargeError(`the link's cells unpack to more than ${limit / 1_000_000} MB, far more code than a lesson's cells hold; they were not loaded`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export async function encodeCellEdits(edits: CellEdits): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(edits));
  return VERSION + toBase64Url(await pipeBytes(json, new CompressionStream('deflate-raw')));
}

/** The edits a link carries; throws an Error saying what is wrong with a damaged link. */
export async function decodeCellEdits(code: string): Promise<CellEdits> {
  if (!code.startsWith(VERSION)) throw new Error(`the link's cells are in an unknown format ("${code.slice(0, 1)}…"); it may come from a newer version of the course`);
  if (code.length > MAX_ENCODED_LENGTH) {
    throw new Error(`the link's cells are ${code.length.toLocaleString('en')} characters long, more than the ${MAX_ENCODED_LENGTH.toLocaleString('en')} a link may carry; they were not loaded`);
  }
  let parsed: unknown;
  try {
    const bytes = await inflateCapped(fromBase64Url(code.slice(VERSION.length)), MAX_DECODED_BYTES);
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    if (error instanceof TooLargeError) throw error;
    throw new Error('the link\'s cells cannot be read: the link was cut short or changed on the way');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the link\'s cells are not a list of cells');
  const edits: CellEdits = {};
  for (const [key, source] of Object.entries(parsed)) {
    if (!/^\d+$/.test(key) || typeof source !== 'string') throw new Error(`the link's cell "${key}" is not a cell number with its code`);
    edits[Number(key)] = source;
  }
  return edits;
}

/** The `cells` value of a location hash ("#cells=…&…" or "#cells=…"), or null. */
export function cellsFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(CELLS_HASH_KEY);
}

/** `href` with its hash replaced by the edited cells (no hash when nothing is edited). */
export async function linkWithEdits(href: string, edits: CellEdits): Promise<string> {
  const url = new URL(href);
  url.hash = Object.keys(edits).length > 0 ? `${CELLS_HASH_KEY}=${await encodeCellEdits(edits)}` : '';
  return url.href;
}
