/**
 * Test page for notebook cells: the test renders a fixture lesson's Markdown in Node (as the site
 * build does) and hands the HTML to `notebookFixture.start`, which puts it on the page and starts
 * the notebook as a lesson page does.
 */
import { startNotebook, type Notebook } from '../../../src/notebook/page/notebook-page';

declare global {
  interface Window {
    notebookFixture: { start(html: string, options?: { hideSolutions?: boolean }): Promise<void>; notebook: Notebook | null };
  }
}

window.notebookFixture = {
  notebook: null,
  async start(html, options = {}) {
    document.querySelector('.lesson-body')!.innerHTML = html;
    window.notebookFixture.notebook = await startNotebook({
      doc: document,
      lessonId: 'notebook-fixture',
      assetsBase: new URL('/assets/', location.href).href,
      hideSolutions: options.hideSolutions === true,
    });
  },
};
