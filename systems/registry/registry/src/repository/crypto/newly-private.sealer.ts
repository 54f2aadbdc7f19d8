import type { PostgresEventStore } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { ServingDefinitionsPass } from '../background-pass.js';
import { DefinitionVersions, type NewlyPrivatePaths } from '../definition-versions.js';
import type { RegistryEntityEventStoreRepository } from '../registry-entity.event-store.repository.js';

/** What one definition's sealing did (logged as `newly private fields sealed`). */
export interface NewlyPrivateSealing {
  readonly definitionId: string;
  /** The active version, whose `privateFields` the earlier versions' entities now get. */
  readonly activeVersion: number;
  /** Earlier versions → the paths they lacked. */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  readonly entities: number;
  readonly events: number;
  /** Outbox rows (published integration events) whose body lost those fields. */
  readonly messages: number;
}

/** Running totals since the process started (exported as metrics by main.ts). */
export interface NewlyPrivateProgress {
  entities: number;
  events: number;
  messages: number;
  passes: number;
  /** Definitions whose sealing has not finished yet (0 when everything is sealed). */
  pending: number;
}

/**
 * Seals at rest the fields a later definition version made private (ADR 0011, "a field made private
 * later"): when a version whose `privateFields` add paths to earlier versions' is active, every
 * stored event of an entity written under an earlier version is sealed in place with those paths,
 * its unique claims re-keyed, its search row stripped of them, and the registry's outbox copies of
 * its integration events too (RegistryEntityEventStoreRepository.sealNewlyPrivate,
 * scrubPublishedBodies).
 *
 * Runs like the search index reconciler: a pass at {@link start} and every `intervalMs` (default
 * 10 s) when the serving definitions (id, active version) changed since the last complete pass, so
 * within one interval of an activation; replicas take turns (a session advisory lock per schema);
 * one entity per transaction; idempotent, so a pass stopped by a crash is finished by the next
 * process's first pass. Errors go to `onError` and the next interval retries.
 */
export class NewlyPrivateFieldSealer extends ServingDefinitionsPass {
  readonly progress: NewlyPrivateProgress = { entities: 0, events: 0, messages: 0, passes: 0, pending: 0 };

  constructor(
    pool: pg.Pool,
    schema: string,
    private readonly store: PostgresEventStore,
    private readonly entities: Pick<RegistryEntityEventStoreRepository, 'sealNewlyPrivate' | 'scrubPublishedBodies'>,
    private readonly options: {
      readonly intervalMs?: number;
      readonly onError?: (error: unknown) => void;
      /** Called for each definition that had something to seal, once it is done. */
      readonly onSealed?: (sealing: NewlyPrivateSealing) => void;
    } = {},
  ) {
    super(pool, schema, 'archipelago.registry.newly-private', options);
  }

  protected scheduledPass(): Promise<NewlyPrivateSealing[]> {
    return this.pass(false);
  }

  /**
   * One pass over the active definitions. Skipped (returns `[]`) while another replica holds the
   * lock, or — unless `force` — when the serving definitions are those of the last complete pass.
   * @returns what was sealed, per definition that had anything to seal
   */
  async pass(force = true): Promise<NewlyPrivateSealing[]> {
    return this.whenServingChanged<NewlyPrivateSealing[]>(force, [], async (_client, serving) => {
      const sealings: NewlyPrivateSealing[] = [];
      const work: { id: string; versions: DefinitionVersions; newly: Map<number, NewlyPrivatePaths> }[] = [];
      for (const { id } of serving) {
        const versions = await DefinitionVersions.read(this.store, this.pool, id);
        const newly = versions.newlyPrivate();
        if (newly.size > 0 && versions.active) work.push({ id, versions, newly });
      }
      this.progress.pending = work.length;
      for (const { id, versions, newly } of work) {
        const sealed = await this.entities.sealNewlyPrivate(id, newly, (events) => {
          this.progress.entities += 1;
          this.progress.events += events;
        });
        const messages = await this.entities.scrubPublishedBodies(id, newly);
        this.progress.messages += messages;
        this.progress.pending -= 1;
        if (sealed.entities > 0 || messages > 0) {
          const sealing: NewlyPrivateSealing = {
            definitionId: id,
            activeVersion: versions.active!.version,
            paths: Object.fromEntries([...newly].map(([v, { paths }]) => [String(v), paths])),
            ...sealed,
            messages,
          };
          sealings.push(sealing);
          this.options.onSealed?.(sealing);
        }
      }
      this.progress.passes += 1;
      return { result: sealings };
    });
  }
}
