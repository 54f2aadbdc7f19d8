import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { InMemoryRegistryEntities } from '../../../test/fakes/in-memory-registry-entities.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import {
  EntityInviteForbiddenError,
  EntityValidationError,
  InviteeEmailRequiredError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import { AcceptInvitationCommand } from '../accept-invitation/accept-invitation.command.js';
import { AcceptInvitationUseCase } from '../accept-invitation/accept-invitation.use-case.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { InviteEntityCommand } from './invite-entity.command.js';
import { InviteEntityUseCase } from './invite-entity.use-case.js';

const ctx = { actor: 'admin-1' };
const typeWith = (title: string, inviteRoles: string[]) => ({
  title,
  type: 'object',
  required: ['email'],
  properties: { email: { type: 'string' }, userId: { type: 'string' } },
  _osConfig: { inviteRoles, ownershipAttributes: [{ email: '/email', userId: '/userId' }] },
});
const nobody = { id: 'anonymous', roles: [], authenticated: false };
const clerk = { id: 'clerk-1', roles: ['clerk'], authenticated: true };

let definitions: InMemoryDefinitions;
let entities: InMemoryRegistryEntities;
let invite: InviteEntityUseCase;
let accept: AcceptInvitationUseCase;

beforeEach(async () => {
  definitions = new InMemoryDefinitions();
  entities = new InMemoryRegistryEntities();
  let ids = 0;
  invite = new InviteEntityUseCase(definitions, entities, {
    next: () => `0193a0b4-0000-7000-8000-00000000000${++ids}`,
  });
  accept = new AcceptInvitationUseCase(definitions, entities);
  for (const [title, roles] of [
    ['Open', ['anonymous']],
    ['Closed', ['clerk']],
  ] as const) {
    await new CreateDefinitionUseCase(definitions).execute(
      new CreateDefinitionCommand(typeWith(title, [...roles]), ctx),
    );
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(definitionIdOf(title), ctx));
  }
});

describe('invite entity use case', () => {
  it('lets anyone invite into a type whose inviteRoles has anonymous; the entity is invited, by anonymous', async () => {
    const state = await invite.execute(new InviteEntityCommand('Open', { email: 'a@example.com' }, nobody, {}));
    expect(state).toMatchObject({ status: 'invited', version: 1, type: 'Open' });
    const [event] = await entities.history(state.status === 'absent' ? '' : state.id);
    expect(event).toMatchObject({ type: 'EntityInvited', data: { by: 'anonymous' } });
  });

  it('refuses without a token (unauthenticated) and without the role (forbidden), storing nothing', async () => {
    const body = { email: 'a@example.com' };
    await expect(invite.execute(new InviteEntityCommand('Closed', body, nobody, {}))).rejects.toMatchObject({
      code: 'ENTITY.INVITE_UNAUTHENTICATED',
    });
    const customer = { id: 'c-1', roles: ['customer'], authenticated: true };
    await expect(invite.execute(new InviteEntityCommand('Closed', body, customer, {}))).rejects.toBeInstanceOf(
      EntityInviteForbiddenError,
    );
    expect(entities.streams.size).toBe(0);
    await expect(invite.execute(new InviteEntityCommand('Closed', body, clerk, {}))).resolves.toMatchObject({
      status: 'invited',
    });
  });

  it("needs the invitee's e-mail where ownershipAttributes point, and a valid body", async () => {
    await expect(
      invite.execute(new InviteEntityCommand('Closed', { email: 'no-at-sign', userId: 'u' }, clerk, {})),
    ).rejects.toBeInstanceOf(InviteeEmailRequiredError);
    await expect(invite.execute(new InviteEntityCommand('Closed', 'text', clerk, {}))).rejects.toBeInstanceOf(
      EntityValidationError,
    );
  });

  it('is accepted by its owner only (by verified e-mail, any case), once', async () => {
    const state = await invite.execute(new InviteEntityCommand('Open', { email: 'Zoe@example.com' }, nobody, {}));
    const id = state.status === 'absent' ? '' : state.id;
    expect(await accept.execute(new AcceptInvitationCommand('Open', id, { id: 'x', roles: ['admin'] }, {}))).toBe(
      false,
    );
    const zoe = { id: 'zoe-1', roles: [], email: 'zoe@EXAMPLE.com', emailVerified: true };
    // Someone who registered the address without proving it does not accept the invitation.
    const squatter = { ...zoe, id: 'squatter-1', emailVerified: false };
    expect(await accept.execute(new AcceptInvitationCommand('Open', id, squatter, {}))).toBe(false);
    expect(await accept.execute(new AcceptInvitationCommand('Open', id, zoe, {}))).toBe(true);
    expect(await accept.execute(new AcceptInvitationCommand('Open', id, zoe, {}))).toBe(false);
    expect((await entities.load(id)).state).toMatchObject({ status: 'active', version: 2 });
  });
});
