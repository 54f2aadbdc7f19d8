import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import type { MessageHandler, Subscription } from '@archipelago/platform-messaging';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { CREDENTIALS_CONSUMER_GROUP, CredentialPgStore } from './credential.pg-store.js';
import { CREDENTIALS_DATABASE } from './credentials.data-source.js';

/**
 * The registry topics the credentials service consumes (entity snapshots, deletions,
 * deactivations and reactivations, attested claims).
 */
export function registryTopics(): string[] {
  const events = REGISTRY_EVENTS as Record<string, { topic: string }>;
  return [
    'EntityCreatedV1',
    'EntityUpdatedV1',
    'EntityDeletedV1',
    'EntityDeactivatedV1',
    'EntityReactivatedV1',
    'ClaimAttestedV1',
  ]
    .map((name) => events[name]?.topic)
    .filter((t): t is string => t !== undefined);
}

/**
 * Everything the credentials adapters stand on (see {@link ServiceInfrastructure}): the credential
 * store. `CredentialsInfrastructure.open(config)` connects; `start()` starts the outbox relay;
 * `close()` stops it.
 */
export class CredentialsInfrastructure extends ServiceInfrastructure {
  static override readonly database = CREDENTIALS_DATABASE;

  readonly credentials = new CredentialPgStore(this.pool, this.config.schema, this.messaging, this.dataSource);

  /**
   * Subscribes consumer group `registry.credentials` to the registry's entity (and claim) topics,
   * handing each message to `handler` (idempotent through the inbox). `group` is for tests.
   */
  async subscribeRegistryEvents(handler: MessageHandler, group = CREDENTIALS_CONSUMER_GROUP): Promise<Subscription> {
    const topics = registryTopics();
    await this.messaging.ensureTopics(topics);
    return this.messaging.subscribe(group, topics, handler);
  }
}
