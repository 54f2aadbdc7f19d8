import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { claimDecider } from '../../entity/claim/claim.decider.js';
import { claimViewOf, type ClaimView } from '../../entity/claim/claim.state.js';
import {
  CLAIM_REPOSITORY,
  ClaimConcurrencyConflictError,
  type ClaimRepositoryPort,
} from '../port/claim.repository.port.js';
import { AttestorEntities } from '../attestor-entities/attestor-entities.js';
import { DecideClaimCommand } from './decide-claim.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Attests or rejects a claim: load → decide → save at the loaded version. Two concurrent
 * decisions: one appends, the other meets the moved stream, decides again on fresh state and gets
 * ClaimAlreadyDecidedError — exactly one wins. The entity is updated by the claim process manager.
 * @throws ClaimNotFoundError (404: unknown, or the caller may not decide it),
 *   ClaimAlreadyDecidedError (409), ClaimNoteRequiredError (400)
 */
@CommandHandler(DecideClaimCommand)
export class DecideClaimUseCase implements ICommandHandler<DecideClaimCommand, ClaimView> {
  constructor(
    @Inject(CLAIM_REPOSITORY) private readonly claims: ClaimRepositoryPort,
    private readonly attestors: AttestorEntities,
  ) {}

  async execute({ id, decision, note, caller: who, context }: DecideClaimCommand): Promise<ClaimView> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.claims.load(id);
      const caller = await this.attestors.withOwnedAttestorEntities(state, who);
      const now = new Date().toISOString();
      const events = claimDecider.decide(
        decision === 'attest'
          ? { type: 'AttestClaim', data: { id, now, caller, ...(note === undefined ? {} : { note }) } }
          : { type: 'RejectClaim', data: { id, now, caller, ...(note === undefined ? {} : { note }) } },
        state,
      );
      try {
        await this.claims.save(id, events, version, context);
        const after = events.reduce(claimDecider.evolve, state);
        if (after.status === 'absent') throw new Error('a decided claim is absent');
        return claimViewOf(after);
      } catch (error) {
        if (!(error instanceof ClaimConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
