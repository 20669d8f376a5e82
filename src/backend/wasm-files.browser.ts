/**
 * URLs of tfjs's WebAssembly binaries under Vite. Browser-only: the `?url` imports are a Vite
 * feature, so setup.ts loads this module dynamically and never in Node. Vite copies each file to
 * the build and rewrites the import to its final (hashed) URL, in dev and in a build alike.
 */
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name → URL, the form setWasmPaths accepts. */
export const WASM_FILE_URLS = {
  'tfjs-backend-wasm.wasm': plainUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
};
