/**
 * Entry point for Node tools (CLI, benchmarks). Same API as ./index; in Node the wasm backend
 * loads its binaries from node_modules, so no URLs are needed.
 */
export * from './index';
