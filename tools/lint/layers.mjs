// ESLint plugin `archipelago`, rule `layers`: the five-layer rule inside every service
// (ARCHITECTURE.md §3), checked on the import specifier and on the resolved path of relative
// imports, so `../../repository/x.js` is caught as surely as a bare `typeorm`.
//
// A file is classified by its path: systems/<system>/<service>/src/<layer>/… where <layer> is one
// of handler, use-case, entity, repository, gateway. Inside use-case/, a file is a *port* when a
// folder on its path is `port`/`ports` or its name ends in `.port.ts`. `main.ts` and `*.module.ts`
// directly under src/ are the wiring; any other file outside the five folders is `other`.
// Test files are not checked (eslint.config.mjs leaves *.spec.ts out of this rule).
import path from 'node:path';

/** @typedef {'handler'|'use-case'|'port'|'entity'|'repository'|'gateway'|'wiring'|'other'} Kind */

export const LAYERS = ['handler', 'use-case', 'entity', 'repository', 'gateway'];

/**
 * Where each layer may reach with a relative import inside its own service (by target kind).
 * `port` is the part of use-case/ that adapters implement; `use-case` includes its ports.
 * handler → entity is allowed on purpose: handlers map domain errors (entity/*.errors.ts) to
 * problem+json statuses, which is their job (ARCHITECTURE.md §3 "error→status mapping").
 * @type {Record<string, Kind[]>}
 */
export const ALLOWED_TARGETS = {
  entity: ['entity'],
  'use-case': ['use-case', 'port', 'entity'],
  handler: ['handler', 'use-case', 'port', 'entity', 'other'],
  repository: ['repository', 'port', 'entity', 'other'],
  gateway: ['gateway', 'port', 'entity', 'other'],
  // main.ts and *.module.ts wire everything; other root files may use anything but handler/.
  wiring: ['handler', 'use-case', 'port', 'entity', 'repository', 'gateway', 'wiring', 'other'],
  other: ['use-case', 'port', 'entity', 'repository', 'gateway', 'other'],
};

/** Why a layer is limited, shown after the broken rule. */
const REASONS = {
  entity: 'entity/ is pure TypeScript and may import only entity/ and @archipelago/util-*',
  'use-case': 'use-case/ may import only use-case/ (incl. its ports) and entity/; adapters implement its ports',
  handler:
    'handler/ may import use-case/, entity/ and contracts; it reaches repositories and gateways only through use cases',
  repository: 'repository/ may import only use-case ports (use-case/**/port/, *.port.ts), entity/ and platform libs',
  gateway:
    'gateway/ may import only use-case ports (use-case/**/port/, *.port.ts), entity/, contracts and platform libs',
  wiring: 'main.ts and *.module.ts are the wiring',
  other: 'only main.ts and *.module.ts may import handler/',
};

/**
 * Packages (bare specifiers) a layer may import; layers missing here are free (Nx module
 * boundaries still apply to @archipelago/* projects).
 * @type {Record<string, { allow: RegExp[]; text: string }>}
 */
export const ALLOWED_PACKAGES = {
  entity: { allow: [/^@archipelago\/util-[^/]+(\/.*)?$/], text: '@archipelago/util-*' },
  'use-case': {
    allow: [/^@archipelago\/util-[^/]+(\/.*)?$/, /^@nestjs\/cqrs(\/.*)?$/, /^@nestjs\/common(\/.*)?$/],
    text: '@archipelago/util-*, @nestjs/cqrs and @nestjs/common (DI decorators); I/O belongs behind a port',
  },
};

const SERVICE_FILE = /(?:^|\/)systems\/([^/]+)\/([^/]+)\/src\/(.+)$/;

/**
 * Classifies a path inside a service's src/ folder.
 * @param {string} file absolute or workspace-relative path (any separator)
 * @returns {{ srcRoot: string; kind: Kind } | undefined} undefined outside services
 */
export function classify(file) {
  const normalized = file.split(path.sep).join('/');
  const match = SERVICE_FILE.exec(normalized);
  if (!match || match[2] === 'contracts') return undefined;
  const rest = match[3];
  const srcRoot = normalized.slice(0, normalized.length - rest.length);
  const segments = rest.split('/');
  if (segments.length === 1) {
    const kind = rest === 'main.ts' || rest.endsWith('.module.ts') || rest.endsWith('.module.js') ? 'wiring' : 'other';
    return { srcRoot, kind };
  }
  const layer = segments[0];
  if (!LAYERS.includes(layer)) return { srcRoot, kind: 'other' };
  if (layer === 'use-case') {
    const folders = segments.slice(1, -1);
    const name = segments[segments.length - 1];
    if (folders.some((f) => f === 'port' || f === 'ports') || /\.port\.[cm]?[jt]s$/.test(name)) {
      return { srcRoot, kind: 'port' };
    }
  }
  return { srcRoot, kind: /** @type {Kind} */ (layer) };
}

const label = (/** @type {Kind} */ kind) => (kind === 'port' ? 'use-case port' : kind);

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the handler/use-case/entity/repository/gateway layer rule inside services' },
    schema: [],
    messages: {
      layer: 'Layer rule broken ({{from}} → {{to}}): {{reason}}. Import "{{spec}}" is not allowed.',
      outside: 'Layer rule broken ({{from}} → outside the service): {{reason}}. Import "{{spec}}" is not allowed.',
      pkg: 'Layer rule broken ({{from}} → package "{{spec}}"): {{from}}/ may import only {{allowed}}.',
    },
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const source = classify(path.resolve(context.cwd ?? process.cwd(), file));
    if (!source) return {};
    const from = source.kind === 'port' ? 'use-case' : source.kind;

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string' || value.length === 0) return;
      if (value.startsWith('.') || value.startsWith('/')) {
        const target = classify(path.resolve(path.dirname(path.resolve(context.cwd ?? process.cwd(), file)), value));
        if (!target || target.srcRoot !== source.srcRoot) {
          // Other projects are Nx module boundaries' business; entity stays closed either way.
          if (from === 'entity') {
            context.report({ node, messageId: 'outside', data: { from, reason: REASONS.entity, spec: value } });
          }
          return;
        }
        if (!ALLOWED_TARGETS[from].includes(target.kind)) {
          const data = { from: label(source.kind), to: label(target.kind), reason: REASONS[from], spec: value };
          context.report({ node, messageId: 'layer', data });
        }
        return;
      }
      const packages = ALLOWED_PACKAGES[from];
      if (packages && !packages.allow.some((re) => re.test(value))) {
        context.report({ node, messageId: 'pkg', data: { from, spec: value, allowed: packages.text } });
      }
    }

    /** @param {any} node */
    const fromSource = (node) => node.source && check(node, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      /** @param {any} node */
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value);
        else if (node.source.type === 'TemplateLiteral' && node.source.expressions.length === 0) {
          check(node, node.source.quasis[0].value.cooked);
        }
      },
      /** @param {any} node */
      CallExpression(node) {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        ) {
          check(node, node.arguments[0].value);
        }
      },
      /** @param {any} node */
      TSExternalModuleReference(node) {
        if (node.expression?.type === 'Literal') check(node, node.expression.value);
      },
      /** @param {any} node `typeof import('x')` in a type position */
      TSImportType(node) {
        const literal = node.source ?? node.argument?.literal ?? node.argument;
        if (literal?.type === 'Literal') check(node, literal.value);
      },
    };
  },
};

/** The local plugin; registered in eslint.config.mjs as `archipelago`. */
export default {
  meta: { name: 'archipelago' },
  rules: { layers: layersRule },
};
