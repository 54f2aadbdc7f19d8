import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { CredentialsItemEventStoreRepository } from './credentials-item.event-store.repository.js';
import { CredentialsItemListProjection, CredentialsItemListReadModel } from './credentials-item-list.projection.js';
import { CREDENTIALS_DATABASE } from './credentials.data-source.js';

/**
 * Everything the credentials adapters stand on (see {@link ServiceInfrastructure}): the item list
 * projection and the item repository. `CredentialsInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class CredentialsInfrastructure extends ServiceInfrastructure {
  static override readonly database = CREDENTIALS_DATABASE;

  readonly projectionRunner = this.addProjection(new CredentialsItemListProjection(this.config.schema));
  readonly repository = new CredentialsItemEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new CredentialsItemListReadModel(this.dataSource, this.projectionRunner);
}
