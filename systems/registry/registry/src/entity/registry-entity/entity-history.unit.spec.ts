import { describe, expect, it } from 'vitest';
import { osConfigOf } from '../definition/definition-schema.js';
import { entityHistory } from './entity-history.js';
import type { RegistryEntityEvent } from './registry-entity.events.js';

const config = osConfigOf({
  title: 'Member',
  type: 'object',
  properties: { name: { type: 'string' }, passport: { type: 'string' }, audit: { type: 'object' } },
  _osConfig: { privateFields: ['$.passport'], internalFields: ['$.audit.checkedBy'] },
});
const stamp = (version: number) => ({
  id: '0193a0b4-0000-7000-8000-000000000001',
  version,
  at: `2026-01-0${version}T00:00:00Z`,
  by: 'u1',
});
const against = { type: 'Member', definitionId: 'd', definitionVersion: 1 };
const events: RegistryEntityEvent[] = [
  {
    type: 'EntityInvited',
    data: { ...stamp(1), ...against, body: { name: 'A', passport: 'P-1', audit: { checkedBy: 'x' } } },
  },
  { type: 'EntityUpdated', data: { ...stamp(2), ...against, body: {}, changed: ['/passport', '/audit/checkedBy'] } },
  { type: 'EntityInvitationAccepted', data: stamp(3) },
  {
    type: 'EntityAttestationRecorded',
    data: { ...stamp(4), claimId: 'c', policy: 'name', state: 'PENDING', properties: ['/name'] },
  },
];

describe('entityHistory', () => {
  it('names who, when and which fields, never values; internal pointers only when asked', () => {
    const history = entityHistory(events, config, '', false);
    expect(history).toEqual([
      {
        version: 1,
        type: 'EntityInvited',
        at: '2026-01-01T00:00:00Z',
        actor: 'u1',
        changedFields: ['/name', '/passport'],
      },
      { version: 2, type: 'EntityUpdated', at: '2026-01-02T00:00:00Z', actor: 'u1', changedFields: ['/passport'] },
      { version: 3, type: 'EntityInvitationAccepted', at: '2026-01-03T00:00:00Z', actor: 'u1', changedFields: [] },
      {
        version: 4,
        type: 'EntityAttestationRecorded',
        at: '2026-01-04T00:00:00Z',
        actor: 'u1',
        changedFields: [],
        policy: 'name',
      },
    ]);
    expect(JSON.stringify(history)).not.toContain('P-1');
    expect(entityHistory(events, config, '', true)[1]!.changedFields).toEqual(['/passport', '/audit/checkedBy']);
  });
});
