// Types of doc-commands.mjs (plain ESM, run by node in tools/docs/smoke.mjs), for the TypeScript tests.

/** The repository root. */
export const root: string;

/** A command shown in a document: the document's path (from the root) and the command as shown. */
export interface DocCommand {
  readonly file: string;
  readonly command: string;
}

/** How a documented command is kept true (tools/docs/doc-commands.json). */
export interface DocCommandEntry {
  readonly check: 'smoke' | 'ci' | 'not-run';
  /** smoke: the concrete command run when the docs show a placeholder. */
  readonly run?: string;
  /** ci: what runs it. */
  readonly by?: string;
  /** not-run: why not. */
  readonly why?: string;
}

/** The documents whose commands are kept true. */
export function documents(): string[];
/** Every command of `file`. */
export function commandsOf(file: string): DocCommand[];
/** Every command of every document. */
export function allCommands(): DocCommand[];
/** doc-commands.json: command → entry. */
export function manifest(): Record<string, DocCommandEntry>;
