/**
 * The backend for the tiny networks of the 2-D widgets (src/toy2d), which train on the page's main
 * thread: wasm, measured the fastest for nets this small. Per-operation overhead dominates there,
 * so webgl and webgpu pay a large cost per kernel (and a read-back per loss; in headless test
 * browsers they are software-rendered besides). Falls back to whatever the host offers when wasm
 * cannot start. Started once per thread and shared by every widget on the page.
 */
import { setupBackend, type BackendSetup } from './setup';

let started: Promise<BackendSetup> | null = null;

export function setupSmallNetBackend(): Promise<BackendSetup> {
  started ??= setupBackend('wasm');
  return started;
}
