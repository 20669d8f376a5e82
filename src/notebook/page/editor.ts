/**
 * A cell's editor: CodeMirror 6 with JavaScript highlighting and line numbers, in the site's
 * colours (CSS variables of notebook.css, which follow the light or dark scheme). Loaded only when
 * a cell comes near the screen (notebook-page.ts), so a lesson's first load does not carry it.
 *
 * Keyboard: Shift+Enter runs the cell. Tab and Shift+Tab are left to the browser, so they move
 * focus out of the editor as everywhere else on the page: CodeMirror binds no Tab by default, and
 * its documentation (codemirror.net/examples/tab) advises keeping it so unless the page tells
 * keyboard users how to escape. Indent with Ctrl+] and outdent with Ctrl+[ (Cmd on a Mac).
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';

export interface CellEditor {
  getCode(): string;
  setCode(code: string): void;
  focus(): void;
}

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.operatorKeyword], color: 'var(--nb-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--nb-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--nb-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--nb-comment)', fontStyle: 'italic' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--nb-function)' },
  { tag: [tags.definition(tags.variableName), tags.className], color: 'var(--nb-definition)' },
  { tag: tags.invalid, color: 'var(--nb-error)' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--color-text)', backgroundColor: 'var(--nb-code-bg)', fontSize: '0.9rem' },
  '&.cm-focused': { outline: '2px solid var(--color-focus)', outlineOffset: '2px' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--color-text)' },
  '.cm-gutters': { backgroundColor: 'var(--nb-code-bg)', color: 'var(--color-muted)', border: 'none' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--nb-selection) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--color-text)' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.5' },
});

export function createEditor(options: { parent: HTMLElement; code: string; label: string; onChange(code: string): void; onRun(): void }): CellEditor {
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        javascript(),
        syntaxHighlighting(highlight),
        theme,
        // Long lines wrap: no sideways scrolling on a phone, and no scroll area without a keyboard way in.
        EditorView.lineWrapping,
        Prec.highest(keymap.of([{ key: 'Shift-Enter', run: () => (options.onRun(), true) }])),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
    focus: () => view.focus(),
  };
}
