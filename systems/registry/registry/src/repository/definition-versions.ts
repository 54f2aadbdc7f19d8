import type { PostgresEventStore, SqlClient } from '@archipelago/platform-event-store';
import type { DefinitionDocument } from '../entity/definition/definition-schema.js';
import { osConfigOf } from '../entity/definition/definition-schema.js';
import type { DefinitionEvent } from '../entity/definition/definition.events.js';
import { definitionShape, type OsConfig } from '../entity/definition/os-config.js';
import { withPrivateFieldsOf } from '../entity/registry-entity/private-fields.js';
import { definitionStreamId } from './definition.event-store.repository.js';

/** The `_osConfig` and content pointer a body is protected by (see {@link DefinitionVersions.shapeOf}). */
export interface ProtectedShape {
  readonly config: OsConfig;
  readonly contentPointer: string;
}

/** What a search row is derived with: see {@link DefinitionVersions.rowShape}. */
export interface RowShape extends ProtectedShape {
  /** The version whose `_osConfig` this is (`entity_search.shaped_by`); `undefined` if none was ever active. */
  readonly shapedBy: number | undefined;
  /** The content pointer of the version the body itself was validated against (where its fields sit). */
  readonly bodyPointer: string;
}

/** Paths (`_osConfig` path forms) an earlier version lacks, and its content pointer. */
export interface NewlyPrivatePaths {
  readonly paths: readonly string[];
  readonly contentPointer: string;
}

/**
 * Every version of one definition, read from its stream once: the schema of each version and the
 * last activated one (which serves, or served before a deactivation).
 */
export class DefinitionVersions {
  private constructor(
    private readonly documents: ReadonlyMap<number, DefinitionDocument>,
    /** The version activated last, if any. */
    readonly active: { readonly version: number; readonly schema: DefinitionDocument } | undefined,
  ) {}

  /** Reads the definition's stream on `client` (inside the caller's transaction, if any). */
  static async read(store: PostgresEventStore, client: SqlClient, definitionId: string): Promise<DefinitionVersions> {
    const documents = new Map<number, DefinitionDocument>();
    let active: { version: number; schema: DefinitionDocument } | undefined;
    for (const r of await store.readStream(client, definitionStreamId(definitionId))) {
      const event = { type: r.type, data: r.data } as DefinitionEvent;
      if (event.type === 'DefCreated' || event.type === 'DefUpdated')
        documents.set(event.data.version, event.data.schema);
      if (event.type === 'DefActivated') active = { version: event.data.version, schema: event.data.schema };
    }
    return new DefinitionVersions(documents, active);
  }

  /**
   * The schema of one version (versions never change once written).
   * @throws Error when the definition has no such version
   */
  documentAt(version: number): DefinitionDocument {
    const document = this.documents.get(version);
    if (!document) throw new Error(`definition has no version ${version}`);
    return document;
  }

  /**
   * What a body validated against `version` is protected by: that version's `_osConfig` with the
   * `privateFields` of the active version added (a field made private later is private for every
   * entity from the activation on; see withPrivateFieldsOf), and its content pointer.
   * @throws Error when the definition has no such version
   */
  shapeOf(version: number): ProtectedShape {
    const document = this.documentAt(version);
    const active = this.active && this.active.version !== version ? osConfigOf(this.active.schema) : undefined;
    return {
      config: withPrivateFieldsOf(osConfigOf(document), active),
      contentPointer: definitionShape(document).contentPointer,
    };
  }

  /**
   * What a search row of a body validated against `version` is derived with: the serving (last
   * activated) version's `_osConfig` and content pointer — the rules reads judge by (relationOf in
   * get-entity.use-case.ts) — so a field the serving version made public is searchable in earlier
   * entities too, and one it made private is not; {@link shapeOf} when no version was ever active.
   * @throws Error when the definition has no such version
   */
  rowShape(version: number): RowShape {
    const bodyPointer = definitionShape(this.documentAt(version)).contentPointer;
    if (!this.active) return { ...this.shapeOf(version), shapedBy: undefined, bodyPointer };
    return {
      config: osConfigOf(this.active.schema),
      contentPointer: definitionShape(this.active.schema).contentPointer,
      shapedBy: this.active.version,
      bodyPointer,
    };
  }

  /**
   * The versions whose own `privateFields` lack some of the active version's: the paths each must
   * have sealed, and where its entities sit in a body (empty when the active version made nothing
   * private).
   */
  newlyPrivate(): Map<number, NewlyPrivatePaths> {
    const result = new Map<number, NewlyPrivatePaths>();
    if (!this.active) return result;
    const wanted = osConfigOf(this.active.schema).privateFields;
    for (const [version, document] of this.documents) {
      const own = new Set(osConfigOf(document).privateFields);
      const paths = wanted.filter((path) => !own.has(path));
      if (paths.length > 0) result.set(version, { paths, contentPointer: definitionShape(document).contentPointer });
    }
    return result;
  }
}
