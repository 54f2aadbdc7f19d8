import { deciderSpec } from '@archipelago/testing-decider';
import { describe, it } from 'vitest';
import { credentialsItemDecider, type CredentialsItemCommand } from './credentials-item.decider.js';
import { CredentialsItemAlreadyExistsError, InvalidCredentialsItemCommandError } from './credentials-item.errors.js';
import type { CredentialsItemCreated } from './credentials-item.events.js';

const spec = deciderSpec(credentialsItemDecider);
const now = '2026-12-06T10:00:00.000Z';
const itemId = '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11';
const created: CredentialsItemCreated = { type: 'CredentialsItemCreated', data: { itemId, name: 'First', at: now } };
const create = (name = 'First'): CredentialsItemCommand => ({
  type: 'CreateCredentialsItem',
  data: { itemId, name, now },
});

describe('CredentialsItem decider', () => {
  it('creates an item', () => spec.given([]).when(create()).then([created]));
  it('trims the name', () => spec.given([]).when(create('  First  ')).then([created]));
  it('refuses to create the same item twice', () =>
    spec.given([created]).when(create()).thenThrows(CredentialsItemAlreadyExistsError));
  it('refuses an empty name', () => spec.given([]).when(create('   ')).thenThrows(InvalidCredentialsItemCommandError));
  it('refuses a name over 200 characters', () =>
    spec
      .given([])
      .when(create('x'.repeat(201)))
      .thenThrows(InvalidCredentialsItemCommandError));
});
