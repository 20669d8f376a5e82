/**
 * The package's Custom Elements Manifest (custom-elements.json, schema 2.1.0 of
 * https://github.com/webcomponents/custom-elements-manifest), read by editors, Storybook and
 * component catalogues. It is written from the widgets' own docs (src/components/docs.ts), whose
 * attribute rows come from the settings tables, so it lists what the elements really observe.
 * Pure data: importing it defines no element.
 */
import { CUSTOM_PROPERTIES, WIDGET_DOCS, type WidgetDoc } from '../../components/docs';

export const MANIFEST_SCHEMA_VERSION = '2.1.0';

interface Reference {
  name: string;
  module?: string;
  package?: string;
}

export interface ManifestAttribute {
  name: string;
  description: string;
  type: { text: string };
  default?: string;
}

export interface ManifestDeclaration {
  kind: 'class';
  name: string;
  summary: string;
  description: string;
  customElement: true;
  tagName: string;
  superclass: Reference;
  attributes: ManifestAttribute[];
  events: Array<{ name: string; description: string; type: { text: string } }>;
  cssParts: Array<{ name: string }>;
  cssProperties: Array<{ name: string; description: string }>;
}

export interface ManifestModule {
  kind: 'javascript-module';
  path: string;
  declarations: ManifestDeclaration[];
  exports: Array<{ kind: 'js' | 'custom-element-definition'; name: string; declaration: Reference }>;
}

export interface CustomElementsManifest {
  schemaVersion: string;
  readme: string;
  modules: ManifestModule[];
}

/** The class a tag's module exports: diffusion-vs-gan → DiffusionVsGan (src/components/index.ts). */
export function classNameOf(tag: string): string {
  return tag
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The names of one row of the docs' custom properties: one name, a list (`--a, --b`) or a
 * numbered range (`--dl-series-1 … --dl-series-4`).
 */
export function propertyNames(row: string): string[] {
  const range = /^(--[a-z-]+-)(\d+)\s*…\s*\1(\d+)$/.exec(row.trim());
  if (range) {
    const [, stem, from, to] = range;
    return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => `${stem}${Number(from) + i}`);
  }
  return row.split(/,\s*/).map((name) => name.trim());
}

/** The custom properties one by one. */
function cssProperties(): Array<{ name: string; description: string }> {
  return CUSTOM_PROPERTIES.flatMap((p) => propertyNames(p.name).map((name) => ({ name, description: p.description })));
}

function declarationOf(doc: WidgetDoc): ManifestDeclaration {
  return {
    kind: 'class',
    name: classNameOf(doc.tag),
    summary: doc.title,
    description: `${doc.summary}\n\nExample: ${doc.example}`,
    customElement: true,
    tagName: doc.tag,
    superclass: { name: 'LitElement', package: 'lit' },
    attributes: doc.attributes.map((a) => ({
      name: a.name,
      description: a.description,
      type: { text: a.type },
      ...(a.default === '' ? {} : { default: a.default }),
    })),
    events: doc.events.map((e) => ({ name: e.name, description: `When ${e.when}. event.detail: ${e.detail}`, type: { text: 'CustomEvent' } })),
    cssParts: doc.parts.map((name) => ({ name })),
    cssProperties: cssProperties(),
  };
}

/**
 * The manifest of the kit's module at `modulePath` (relative to the package root), which defines
 * every widget of `docs` and exports its class.
 */
export function customElementsManifest(modulePath: string, docs: readonly WidgetDoc[] = WIDGET_DOCS): CustomElementsManifest {
  const declarations = docs.map(declarationOf);
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    readme: 'README.md',
    modules: [
      {
        kind: 'javascript-module',
        path: modulePath,
        declarations,
        exports: declarations.flatMap((d) => [
          { kind: 'js' as const, name: d.name, declaration: { name: d.name, module: modulePath } },
          { kind: 'custom-element-definition' as const, name: d.tagName, declaration: { name: d.name, module: modulePath } },
        ]),
      },
    ],
  };
}
