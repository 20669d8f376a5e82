/**
 * Pieces shared by the SVG charts: a persistent element per role inside the given SVG (so a
 * re-render keeps focus and listeners), the <title>/<desc> text alternative, and axis labels.
 */
import { select, type Selection } from 'd3';

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type Group = Selection<SVGGElement, unknown, null, undefined>;

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

let idCounter = 0;

/** An id unique in this document (and so in any shadow root of it). */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * The direct child `<tag class=className>` of `parent`, created (appended) on first use, so each
 * render updates the same element.
 */
export function child<K extends keyof SVGElementTagNameMap>(
  // Any SVG element selection: groups, defs, clipPaths.
  parent: Selection<any, unknown, null, undefined>,
  tag: K,
  className: string,
): Selection<SVGElementTagNameMap[K], unknown, null, undefined> {
  const node = parent.node() as SVGElement;
  let found: Element | null = null;
  for (const el of Array.from(node.children)) {
    if (el.tagName === tag && el.classList.contains(className)) {
      found = el;
      break;
    }
  }
  if (!found) {
    found = node.ownerDocument.createElementNS('http://www.w3.org/2000/svg', tag);
    found.setAttribute('class', className);
    node.appendChild(found);
  }
  return select(found as SVGElementTagNameMap[K]);
}

/**
 * Sets the SVG's size (through viewBox, so it scales with its box) and its text alternative: a
 * <title> and a <desc> as the first children, referenced by aria-labelledby / aria-describedby.
 * `role` is "img" for static charts and "group" for charts with a focusable cursor inside.
 */
export function prepareSvg(
  element: SVGSVGElement,
  opts: { width: number; height: number; title: string; description: string; role: 'img' | 'group' },
): Svg {
  const svg = select(element);
  svg
    .attr('viewBox', `0 0 ${opts.width} ${opts.height}`)
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('role', opts.role)
    .attr('font-size', 12);
  const ensureFirst = <K extends 'title' | 'desc'>(tag: K): SVGElementTagNameMap[K] => {
    let el = Array.from(element.children).find((c) => c.tagName === tag) as SVGElementTagNameMap[K] | undefined;
    if (!el) {
      el = element.ownerDocument.createElementNS('http://www.w3.org/2000/svg', tag) as SVGElementTagNameMap[K];
      el.id = uniqueId(`chart-${tag}`);
      // <title> first, then <desc>, ahead of any drawing.
      const anchor = tag === 'title' ? element.firstChild : (element.querySelector(':scope > title')?.nextSibling ?? element.firstChild);
      element.insertBefore(el, anchor);
    }
    el.textContent = tag === 'title' ? opts.title : opts.description;
    return el;
  };
  const title = ensureFirst('title');
  const desc = ensureFirst('desc');
  svg.attr('aria-labelledby', title.id).attr('aria-describedby', desc.id);
  return svg;
}

/** Writes an axis label; x labels sit under the axis, y labels run up the left side. */
export function axisLabel(
  parent: Group,
  className: string,
  text: string,
  at: { x: number; y: number; rotate?: boolean },
): void {
  child(parent, 'text', className)
    .attr('class', `${className} chart-label`)
    .attr('text-anchor', 'middle')
    .attr('transform', at.rotate ? `translate(${at.x},${at.y}) rotate(-90)` : `translate(${at.x},${at.y})`)
    .text(text);
}

/** Superscript digits for tick labels like 10⁻⁴. */
const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** Formats a power of ten as 10ⁿ (1 and 10 stay plain). */
export function formatPowerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return `10${String(exponent).split('').map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}
