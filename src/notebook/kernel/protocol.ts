/** Messages between a lesson page and its notebook kernel (a module Web Worker). */

export type CellOutput =
  | { kind: 'text'; text: string }
  | { kind: 'error'; name: string; message: string; line: number | null }
  | { kind: 'warning'; text: string }
  /** `count` images of side × side values in [-1, 1], one after another. */
  | { kind: 'images'; data: Float32Array; count: number; side: number; cols: number; title?: string }
  | { kind: 'plot'; series: PlotSeries[]; title?: string; xLabel?: string; yLabel?: string; logY?: boolean }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'check'; passed: boolean; messages: string[] };

export interface PlotSeries {
  name: string;
  x: number[];
  y: number[];
}

export interface KernelInit {
  /** Absolute URL of the assets folder (MNIST subset, checkpoints), ending in '/'. */
  assetsBase: string;
}

export type ToKernel =
  | { type: 'init'; init: KernelInit }
  | { type: 'run'; runId: number; cell: number; code: string; exercise?: string }
  | { type: 'trained-model'; requestId: number; json?: string; weights?: ArrayBuffer; error?: string };

export type FromKernel =
  | { type: 'output'; runId: number; output: CellOutput }
  | { type: 'done'; runId: number; ok: boolean }
  | { type: 'ready'; backend: string; reason: string }
  | { type: 'need-trained-model'; requestId: number };
