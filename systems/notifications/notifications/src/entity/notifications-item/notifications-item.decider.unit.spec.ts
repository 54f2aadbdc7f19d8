import { deciderSpec } from '@archipelago/testing-decider';
import { describe, it } from 'vitest';
import { notificationsItemDecider, type NotificationsItemCommand } from './notifications-item.decider.js';
import {
  NotificationsItemAlreadyExistsError,
  InvalidNotificationsItemCommandError,
} from './notifications-item.errors.js';
import type { NotificationsItemCreated } from './notifications-item.events.js';

const spec = deciderSpec(notificationsItemDecider);
const now = '2026-12-06T10:00:00.000Z';
const itemId = '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11';
const created: NotificationsItemCreated = {
  type: 'NotificationsItemCreated',
  data: { itemId, name: 'First', at: now },
};
const create = (name = 'First'): NotificationsItemCommand => ({
  type: 'CreateNotificationsItem',
  data: { itemId, name, now },
});

describe('NotificationsItem decider', () => {
  it('creates an item', () => spec.given([]).when(create()).then([created]));
  it('trims the name', () => spec.given([]).when(create('  First  ')).then([created]));
  it('refuses to create the same item twice', () =>
    spec.given([created]).when(create()).thenThrows(NotificationsItemAlreadyExistsError));
  it('refuses an empty name', () =>
    spec.given([]).when(create('   ')).thenThrows(InvalidNotificationsItemCommandError));
  it('refuses a name over 200 characters', () =>
    spec
      .given([])
      .when(create('x'.repeat(201)))
      .thenThrows(InvalidNotificationsItemCommandError));
});
