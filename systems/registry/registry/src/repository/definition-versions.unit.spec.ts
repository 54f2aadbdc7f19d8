import type { PostgresEventStore, SqlClient } from '@archipelago/platform-event-store';
import { describe, expect, it } from 'vitest';
import { DefinitionVersions } from './definition-versions.js';

const stamp = { id: 'd', at: '2026-12-07T00:00:00Z', by: 'admin' };
const doc = (privateFields: string[], wrapper = false) => {
  const inner = { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } } };
  return {
    title: 'Person',
    ...(wrapper
      ? {
          type: 'object',
          properties: { Person: { $ref: '#/definitions/Person' } },
          definitions: { Person: inner },
        }
      : inner),
    _osConfig: { privateFields },
  };
};
const versionsOf = (events: { type: string; data: object }[]) =>
  DefinitionVersions.read({ readStream: async () => events } as unknown as PostgresEventStore, {} as SqlClient, 'd');

describe('DefinitionVersions', () => {
  it('protects a body of an earlier version with the active version’s private fields too', async () => {
    const versions = await versionsOf([
      { type: 'DefCreated', data: { ...stamp, title: 'Person', version: 1, schema: doc([]) } },
      { type: 'DefActivated', data: { ...stamp, version: 1, schema: doc([]) } },
      { type: 'DefUpdated', data: { ...stamp, version: 2, schema: doc(['$.email']) } },
    ]);
    // v2 is a draft: v1 still serves, nothing is newly private yet.
    expect(versions.shapeOf(1).config.privateFields).toEqual([]);
    expect(versions.newlyPrivate().size).toBe(0);
    const activated = await versionsOf([
      { type: 'DefCreated', data: { ...stamp, title: 'Person', version: 1, schema: doc([]) } },
      { type: 'DefActivated', data: { ...stamp, version: 1, schema: doc([]) } },
      { type: 'DefUpdated', data: { ...stamp, version: 2, schema: doc(['$.email']) } },
      { type: 'DefActivated', data: { ...stamp, version: 2, schema: doc(['$.email']) } },
    ]);
    expect(activated.shapeOf(1).config.privateFields).toEqual(['$.email']);
    expect(activated.shapeOf(2).config.privateFields).toEqual(['$.email']);
    expect([...activated.newlyPrivate()]).toEqual([[1, { paths: ['$.email'], contentPointer: '' }]]);
    expect(() => activated.documentAt(3)).toThrow('definition has no version 3');
  });

  it('names the content pointer of a wrapper-schema version', async () => {
    const versions = await versionsOf([
      { type: 'DefCreated', data: { ...stamp, title: 'Person', version: 1, schema: doc([], true) } },
      { type: 'DefUpdated', data: { ...stamp, version: 2, schema: doc(['$.email'], true) } },
      { type: 'DefActivated', data: { ...stamp, version: 2, schema: doc(['$.email'], true) } },
    ]);
    expect(versions.newlyPrivate().get(1)).toEqual({ paths: ['$.email'], contentPointer: '/Person' });
  });

  it('derives search rows with the serving version: a field it made public is no longer private in earlier rows', async () => {
    const versions = await versionsOf([
      { type: 'DefCreated', data: { ...stamp, title: 'Person', version: 1, schema: doc(['$.email']) } },
      { type: 'DefActivated', data: { ...stamp, version: 1, schema: doc(['$.email']) } },
      { type: 'DefUpdated', data: { ...stamp, version: 2, schema: doc([], true) } },
      { type: 'DefActivated', data: { ...stamp, version: 2, schema: doc([], true) } },
    ]);
    // shapeOf (sealing) keeps v1's own private fields; rowShape follows the serving v2 only.
    expect(versions.shapeOf(1).config.privateFields).toEqual(['$.email']);
    expect(versions.rowShape(1)).toMatchObject({
      config: { privateFields: [] },
      contentPointer: '/Person',
      bodyPointer: '',
      shapedBy: 2,
    });
    const never = await versionsOf([
      { type: 'DefCreated', data: { ...stamp, title: 'Person', version: 1, schema: doc(['$.email']) } },
    ]);
    expect(never.rowShape(1)).toMatchObject({ config: { privateFields: ['$.email'] }, shapedBy: undefined });
  });
});
