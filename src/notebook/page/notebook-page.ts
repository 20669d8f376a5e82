/**
 * A lesson page's notebook: turns the static cells the Markdown build wrote (.nb-cell, see
 * src/site/build/notebook-cells.ts) into editable, runnable cells sharing one kernel, with a
 * toolbar (Run all, Stop, Restart, Copy link). Edits are kept per lesson and cell; code from a
 * link is marked and never runs without the learner's say-so.
 */
import { cellsFromHash, decodeCellEdits, linkWithEdits, MAX_ENCODED_LENGTH, type CellEdits } from './cell-link';
import { createCellStore, type CellStore } from './cell-store';
import type { CellEditor } from './editor';
import { NotebookKernel, type RunEnd } from './kernel-client';
import { renderOutput } from './render-output';
import { trainedCheckpoint } from './trained-model';
import './notebook.css';

export interface NotebookOptions {
  doc: Document;
  lessonId: string;
  /** Absolute URL of the assets folder, ending in '/'. */
  assetsBase: string;
  /** Classroom mode with `hide=solutions`: no "Reveal solution". */
  hideSolutions?: boolean;
}

export interface Notebook {
  cells: NotebookCell[];
  kernel: NotebookKernel;
  runAll(): Promise<RunEnd | 'cancelled'>;
  stop(): void;
}

export const STOPPED_MESSAGE = 'Stopped. The kernel was restarted, so the cells\' state (their variables) was lost: run the cells again from the top.';

function button(doc: Document, label: string, className: string): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  return b;
}

export class NotebookCell {
  readonly index: number;
  readonly exercise: string | undefined;
  readonly original: string;
  readonly output: HTMLElement;
  readonly runButton: HTMLButtonElement;
  readonly resetButton: HTMLButtonElement;
  readonly stopButton: HTMLButtonElement;
  private readonly source: HTMLElement;
  private readonly badge: HTMLElement;
  private editor: CellEditor | null = null;
  private code: string;
  fromLink = false;

  constructor(
    readonly root: HTMLElement,
    private readonly store: CellStore,
    private readonly onRun: (cell: NotebookCell) => void,
    private readonly onStop: () => void,
  ) {
    const doc = root.ownerDocument;
    this.index = Number(root.dataset.cell);
    this.exercise = root.dataset.exercise;
    this.source = root.querySelector<HTMLElement>('.nb-cell__source')!;
    this.original = this.source.textContent ?? '';
    this.code = this.original;
    this.output = root.querySelector<HTMLElement>('.nb-cell__output')!;
    const bar = doc.createElement('div');
    bar.className = 'nb-cell__bar';
    this.runButton = button(doc, 'Run', 'nb-cell__run');
    this.runButton.title = 'Run this cell (Shift+Enter in the editor)';
    this.runButton.addEventListener('click', () => this.onRun(this));
    this.resetButton = button(doc, 'Reset cell', 'nb-cell__reset');
    this.resetButton.addEventListener('click', () => this.reset());
    this.badge = doc.createElement('span');
    this.badge.className = 'nb-cell__badge';
    this.badge.textContent = 'Changed by the link';
    this.badge.hidden = true;
    // Stop at hand beside a running cell, wherever the page's toolbar is.
    this.stopButton = button(doc, 'Stop', 'nb-cell__stop');
    this.stopButton.hidden = true;
    this.stopButton.addEventListener('click', () => this.onStop());
    bar.append(this.runButton, this.stopButton, this.resetButton, this.badge);
    this.source.after(bar);
    this.refresh();
  }

  get edited(): boolean {
    return this.code !== this.original;
  }

  getCode(): string {
    return this.editor?.getCode() ?? this.code;
  }

  /** Shows `code` (a saved edit, or one from a link) without saving it again. */
  setCode(code: string, fromLink = false): void {
    this.code = code;
    this.fromLink = fromLink;
    if (this.editor) this.editor.setCode(code);
    else this.source.querySelector('code')!.textContent = code;
    this.refresh();
  }

  /**
   * Back to the lesson's code. On a cell showing a link's code only the link's version goes: the
   * learner's own saved edit stays saved (it is back on the next visit without the link).
   */
  reset(): void {
    const showedLinkCode = this.fromLink;
    this.setCode(this.original);
    if (!showedLinkCode) this.store.forget(this.index);
    this.output.replaceChildren();
  }

  /** Replaces the static code with the editor (called when the cell comes near the screen). */
  attachEditor(create: typeof import('./editor').createEditor): void {
    if (this.editor) return;
    const holder = this.root.ownerDocument.createElement('div');
    holder.className = 'nb-cell__editor';
    this.source.replaceWith(holder);
    this.editor = create({
      parent: holder,
      code: this.code,
      label: `Code of ${this.root.getAttribute('aria-label') ?? 'the cell'}`,
      onRun: () => this.onRun(this),
      onChange: (code) => {
        if (code === this.code) return;
        this.code = code;
        this.fromLink = false;
        if (this.edited) this.store.save(this.index, code);
        else this.store.forget(this.index);
        this.refresh();
      },
    });
    this.root.dataset.editor = 'ready';
  }

  setRunning(running: boolean): void {
    this.root.dataset.state = running ? 'running' : '';
    this.runButton.textContent = running ? 'Running…' : 'Run';
    this.runButton.disabled = running;
    this.stopButton.hidden = !running;
  }

  private refresh(): void {
    this.resetButton.hidden = !this.edited;
    this.badge.hidden = !this.fromLink;
    this.root.classList.toggle('nb-cell--from-link', this.fromLink);
  }
}

function addSolution(cell: NotebookCell, hide: boolean): void {
  const template = cell.root.querySelector<HTMLTemplateElement>('template.nb-cell__solution');
  if (!template || hide) return;
  const doc = cell.root.ownerDocument;
  const details = doc.createElement('details');
  details.className = 'nb-cell__reveal';
  const summary = doc.createElement('summary');
  summary.textContent = 'Reveal solution';
  details.append(summary, template.content.cloneNode(true));
  cell.root.querySelector('.nb-cell__bar')!.after(details);
}

function confirmLinkCode(doc: Document, count: number, runLabel: string): Promise<boolean> {
  const dialog = doc.createElement('dialog');
  dialog.className = 'nb-dialog';
  dialog.setAttribute('aria-labelledby', 'nb-dialog-title');
  const title = doc.createElement('p');
  title.id = 'nb-dialog-title';
  title.className = 'nb-dialog__title';
  title.textContent = `This link changed ${count} cell${count === 1 ? '' : 's'}; run someone else's code?`;
  const note = doc.createElement('p');
  note.textContent = 'The code runs in a worker of this site, with no access to the page. Read the marked cells first if you do not know who sent the link.';
  const run = button(doc, runLabel, 'nb-dialog__run');
  const cancel = button(doc, 'Cancel', 'nb-dialog__cancel');
  const actions = doc.createElement('p');
  actions.className = 'nb-dialog__actions';
  actions.append(cancel, run);
  dialog.append(title, note, actions);
  doc.body.append(dialog);
  return new Promise((resolve) => {
    const close = (answer: boolean): void => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    run.addEventListener('click', () => close(true));
    cancel.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    dialog.showModal();
    cancel.focus();
  });
}

export async function startNotebook(options: NotebookOptions): Promise<Notebook | null> {
  const { doc } = options;
  const roots = [...doc.querySelectorAll<HTMLElement>('.nb-cell')];
  if (roots.length === 0) return null;
  const store = createCellStore(options.lessonId);
  const status = doc.createElement('p');
  status.className = 'nb-toolbar__status';
  status.setAttribute('role', 'status');
  const say = (text: string): void => {
    status.textContent = text;
  };
  const kernel = new NotebookKernel(
    { assetsBase: options.assetsBase },
    {
      trainedModel: () => trainedCheckpoint(doc),
      onReady: (backend) => say(`Kernel ready (tfjs on ${backend}).`),
      onCrash: (message) => say(message),
      onStrayOutput: (output) => say(output.kind === 'warning' || output.kind === 'text' ? output.text : output.kind === 'error' ? `${output.name}: ${output.message}` : ''),
    },
  );
  let running: NotebookCell | null = null;
  let stopRequested = false;
  /** Whether the learner agreed, on this page load, to run the code a link brought. */
  let linkCodeAccepted = false;

  /** Asks once per page load before any code from a link runs; true when it may run. */
  const mayRunLinkCode = async (runLabel: string): Promise<boolean> => {
    const fromLink = cells.filter((cell) => cell.fromLink);
    if (linkCodeAccepted || fromLink.length === 0) return true;
    if (!(await confirmLinkCode(doc, fromLink.length, runLabel))) {
      say('Nothing was run. The cells marked "Changed by the link" hold the link\'s code.');
      return false;
    }
    linkCodeAccepted = true;
    return true;
  };

  const runCell = async (cell: NotebookCell): Promise<RunEnd> => {
    cell.output.replaceChildren();
    cell.setRunning(true);
    running = cell;
    stopButton.disabled = false;
    const end = await kernel.run({
      cell: cell.index,
      code: cell.getCode(),
      ...(cell.exercise ? { exercise: cell.exercise } : {}),
      onOutput: (output) => cell.output.append(renderOutput(doc, output)),
    });
    cell.setRunning(false);
    if (running === cell) running = null;
    stopButton.disabled = !kernel.busy;
    if (end === 'stopped') cell.output.append(renderOutput(doc, { kind: 'warning', text: STOPPED_MESSAGE }));
    return end;
  };

  // A cell's own Run (or Shift+Enter) asks first too when the cell holds a link's code.
  const runOne = async (cell: NotebookCell): Promise<void> => {
    if (cell.fromLink && !(await mayRunLinkCode('Run'))) return;
    await runCell(cell);
  };
  const cells = roots.map((root) => new NotebookCell(root, store, (cell) => void runOne(cell), () => stop()));
  for (const cell of cells) addSolution(cell, options.hideSolutions === true);

  // Saved edits first; a link's cells replace them on the page (and are saved only once edited).
  const saved = store.all();
  for (const cell of cells) if (saved[cell.index] !== undefined) cell.setCode(saved[cell.index]);
  const linkCode = cellsFromHash(location.hash);
  if (linkCode) {
    try {
      const edits = await decodeCellEdits(linkCode);
      for (const cell of cells) if (edits[cell.index] !== undefined && edits[cell.index] !== cell.getCode()) cell.setCode(edits[cell.index], true);
    } catch (error) {
      say(`This link's code was not loaded: ${(error as Error).message}.`);
    }
  }

  const toolbar = doc.createElement('div');
  toolbar.className = 'nb-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Notebook');
  const runAllButton = button(doc, 'Run all', 'nb-toolbar__run-all');
  const stopButton = button(doc, 'Stop', 'nb-toolbar__stop');
  stopButton.disabled = true;
  const restartButton = button(doc, 'Restart', 'nb-toolbar__restart');
  const linkButton = button(doc, 'Copy link with my code', 'nb-toolbar__link');
  toolbar.append(runAllButton, stopButton, restartButton, linkButton);
  const bar = doc.createElement('div');
  bar.className = 'nb-toolbar-wrap';
  bar.append(toolbar, status);
  roots[0].before(bar);

  const stop = (): void => {
    stopRequested = true;
    kernel.stop();
    say(STOPPED_MESSAGE);
  };

  const runAll = async (): Promise<RunEnd | 'cancelled'> => {
    if (!(await mayRunLinkCode('Run all'))) return 'cancelled';
    stopRequested = false;
    runAllButton.disabled = true;
    try {
      for (const cell of cells) {
        say(`Running cell ${cell.index + 1} of ${cells.length}…`);
        const end = await runCell(cell);
        if (end === 'stopped' || stopRequested) return 'stopped';
        if (end === 'error') {
          say(`Run all stopped at cell ${cell.index + 1}, which raised an error.`);
          cell.root.scrollIntoView({ block: 'nearest' });
          return 'error';
        }
      }
      say(`Ran all ${cells.length} cells.`);
      return 'ok';
    } finally {
      runAllButton.disabled = false;
    }
  };

  runAllButton.addEventListener('click', () => void runAll());
  stopButton.addEventListener('click', stop);
  restartButton.addEventListener('click', () => {
    kernel.stop();
    for (const cell of cells) cell.output.replaceChildren();
    say('Restarted: the cells\' state was cleared. Run the cells again from the top.');
  });
  linkButton.addEventListener('click', async () => {
    const edits: CellEdits = {};
    for (const cell of cells) if (cell.getCode() !== cell.original) edits[cell.index] = cell.getCode();
    const href = await linkWithEdits(location.href, edits);
    const count = Object.keys(edits).length;
    const carried = cellsFromHash(new URL(href).hash)?.length ?? 0;
    if (carried > MAX_ENCODED_LENGTH) {
      say(`Your edited cells make a link of ${carried.toLocaleString('en')} characters, more than the ${MAX_ENCODED_LENGTH.toLocaleString('en')} a link may carry; no link was copied. Reset the cells you do not need to share.`);
      return;
    }
    linkButton.dataset.link = href;
    try {
      await navigator.clipboard.writeText(href);
      say(count ? `Link copied, with your code in ${count} cell${count === 1 ? '' : 's'}.` : 'Link copied (no cell is edited).');
    } catch {
      say(`Copy this link: ${href}`);
    }
  });

  // The editor loads when a cell comes near the screen; until then the code shows as text.
  let editorModule: Promise<typeof import('./editor')> | null = null;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        const cell = cells.find((c) => c.root === entry.target);
        editorModule ??= import('./editor');
        // One editor per task, so that many cells coming into view at once never block the page.
        editorModule.then(
          (module) => setTimeout(() => cell?.attachEditor(module.createEditor)),
          (error: unknown) => say(`The editor could not load (${String(error)}); the code can still run.`),
        );
      }
    },
    { rootMargin: '400px 0px' },
  );
  for (const cell of cells) observer.observe(cell.root);

  return { cells, kernel, runAll, stop };
}
