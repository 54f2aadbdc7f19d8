import { deciderSpec } from '@archipelago/testing-decider';
import { describe, it } from 'vitest';
import { registryItemDecider, type RegistryItemCommand } from './registry-item.decider.js';
import { RegistryItemAlreadyExistsError, InvalidRegistryItemCommandError } from './registry-item.errors.js';
import type { RegistryItemCreated } from './registry-item.events.js';

const spec = deciderSpec(registryItemDecider);
const now = '2026-12-06T10:00:00.000Z';
const itemId = '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11';
const created: RegistryItemCreated = { type: 'RegistryItemCreated', data: { itemId, name: 'First', at: now } };
const create = (name = 'First'): RegistryItemCommand => ({ type: 'CreateRegistryItem', data: { itemId, name, now } });

describe('RegistryItem decider', () => {
  it('creates an item', () => spec.given([]).when(create()).then([created]));
  it('trims the name', () => spec.given([]).when(create('  First  ')).then([created]));
  it('refuses to create the same item twice', () =>
    spec.given([created]).when(create()).thenThrows(RegistryItemAlreadyExistsError));
  it('refuses an empty name', () => spec.given([]).when(create('   ')).thenThrows(InvalidRegistryItemCommandError));
  it('refuses a name over 200 characters', () =>
    spec
      .given([])
      .when(create('x'.repeat(201)))
      .thenThrows(InvalidRegistryItemCommandError));
});
