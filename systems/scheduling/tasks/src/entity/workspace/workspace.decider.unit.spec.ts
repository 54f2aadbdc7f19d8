import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { roleIn, workspaceDecider, type WorkspaceCommand } from './workspace.decider.js';
import {
  WorkspaceAlreadyExistsError,
  WorkspaceForbiddenError,
  WorkspaceLastOwnerError,
  WorkspaceMemberExistsError,
  WorkspaceMemberNotFoundError,
  WorkspaceNotFoundError,
  WorkspacePersonalError,
  WorkspaceValidationError,
} from './workspace.errors.js';
import type { WorkspaceEvent } from './workspace.events.js';
import type { WorkspaceRole } from './workspace.model.js';

const spec = deciderSpec(workspaceDecider);
const workspaceId = 'w1';
const at = '2026-03-01T09:00:00Z';
const cmd = <T extends WorkspaceCommand['type']>(
  type: T,
  actorId: string,
  data: Omit<Extract<WorkspaceCommand, { type: T }>['data'], 'workspaceId' | 'actorId' | 'now'>,
): WorkspaceCommand => ({ type, data: { workspaceId, actorId, now: at, ...data } }) as WorkspaceCommand;
const created: WorkspaceEvent[] = [
  { type: 'WorkspaceCreated', data: { workspaceId, name: 'Team', ownerId: 'ann', at } },
  { type: 'WorkspaceMemberAdded', data: { workspaceId, userId: 'ann', role: 'owner', addedBy: 'ann', at } },
];
const added = (userId: string, role: WorkspaceRole): WorkspaceEvent => ({
  type: 'WorkspaceMemberAdded',
  data: { workspaceId, userId, role, addedBy: 'ann', at },
});
const team = [...created, added('bob', 'editor'), added('vic', 'viewer')];
const problemsOf = (command: WorkspaceCommand, given: WorkspaceEvent[] = []) => {
  try {
    workspaceDecider.decide(command, fold(workspaceDecider, given));
  } catch (error) {
    if (error instanceof WorkspaceValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};

describe('Workspace: create and rename', () => {
  it('given nothing, when created, then the creator is its first owner', () =>
    spec
      .given([])
      .when(cmd('CreateWorkspace', 'ann', { input: { name: ' Team ' } }))
      .then(created));

  it('refuses a second create, a personal id, and names bad fields', () => {
    spec
      .given(created)
      .when(cmd('CreateWorkspace', 'bob', { input: { name: 'x' } }))
      .thenThrows(WorkspaceAlreadyExistsError);
    expect(() =>
      workspaceDecider.decide(
        {
          type: 'CreateWorkspace',
          data: { workspaceId: 'personal:ann', actorId: 'ann', now: at, input: { name: 'x' } },
        },
        workspaceDecider.initialState(),
      ),
    ).toThrow(WorkspacePersonalError);
    expect(problemsOf(cmd('CreateWorkspace', 'ann', { input: { name: 'x'.repeat(201), color: 1 } }))).toEqual([
      'color',
      'name',
    ]);
    expect(problemsOf(cmd('CreateWorkspace', 'ann', { input: {} }))).toEqual(['name']);
  });

  it('an owner renames (same name: no event); an editor gets 403, a stranger 404', () => {
    spec
      .given(team)
      .when(cmd('RenameWorkspace', 'ann', { input: { name: 'Crew' } }))
      .then([{ type: 'WorkspaceRenamed', data: { workspaceId, name: 'Crew', at } }]);
    spec
      .given(team)
      .when(cmd('RenameWorkspace', 'ann', { input: { name: 'Team' } }))
      .then([]);
    spec
      .given(team)
      .when(cmd('RenameWorkspace', 'bob', { input: { name: 'Crew' } }))
      .thenThrows(WorkspaceForbiddenError);
    spec
      .given(team)
      .when(cmd('RenameWorkspace', 'eve', { input: { name: 'Crew' } }))
      .thenThrows(WorkspaceNotFoundError);
  });
});

describe('Workspace: members', () => {
  it('an owner adds a member with a role; the same again decides nothing; another role is 409', () => {
    spec
      .given(created)
      .when(cmd('AddMember', 'ann', { input: { userId: 'bob', role: 'editor' } }))
      .then([added('bob', 'editor')]);
    spec
      .given(team)
      .when(cmd('AddMember', 'ann', { input: { userId: 'bob', role: 'editor' } }))
      .then([]);
    spec
      .given(team)
      .when(cmd('AddMember', 'ann', { input: { userId: 'bob', role: 'viewer' } }))
      .thenThrows(WorkspaceMemberExistsError);
  });

  it('an editor or viewer cannot add (403); a stranger does not see the workspace (404)', () => {
    spec
      .given(team)
      .when(cmd('AddMember', 'bob', { input: { userId: 'x', role: 'viewer' } }))
      .thenThrows(WorkspaceForbiddenError);
    spec
      .given(team)
      .when(cmd('AddMember', 'vic', { input: { userId: 'x', role: 'viewer' } }))
      .thenThrows(WorkspaceForbiddenError);
    spec
      .given(team)
      .when(cmd('AddMember', 'eve', { input: { userId: 'eve', role: 'owner' } }))
      .thenThrows(WorkspaceNotFoundError);
    spec
      .given([])
      .when(cmd('AddMember', 'ann', { input: { userId: 'bob', role: 'owner' } }))
      .thenThrows(WorkspaceNotFoundError);
  });

  it('validates userId and role by field', () =>
    expect(problemsOf(cmd('AddMember', 'ann', { input: { userId: '', role: 'admin' } }), team)).toEqual([
      'userId',
      'role',
    ]));

  it('changes a role; the last owner cannot be demoted, a second owner can', () => {
    spec
      .given(team)
      .when(cmd('ChangeMemberRole', 'ann', { userId: 'vic', input: { role: 'editor' } }))
      .then([{ type: 'WorkspaceMemberRoleChanged', data: { workspaceId, userId: 'vic', role: 'editor', at } }]);
    spec
      .given(team)
      .when(cmd('ChangeMemberRole', 'ann', { userId: 'ann', input: { role: 'editor' } }))
      .thenThrows(WorkspaceLastOwnerError);
    spec
      .given([...team, added('zoe', 'owner')])
      .when(cmd('ChangeMemberRole', 'zoe', { userId: 'ann', input: { role: 'viewer' } }))
      .then([{ type: 'WorkspaceMemberRoleChanged', data: { workspaceId, userId: 'ann', role: 'viewer', at } }]);
    spec
      .given(team)
      .when(cmd('ChangeMemberRole', 'ann', { userId: 'eve', input: { role: 'editor' } }))
      .thenThrows(WorkspaceMemberNotFoundError);
  });

  it('removes a member; anyone may leave; removing the last owner is 409', () => {
    spec
      .given(team)
      .when(cmd('RemoveMember', 'ann', { userId: 'bob' }))
      .then([{ type: 'WorkspaceMemberRemoved', data: { workspaceId, userId: 'bob', removedBy: 'ann', at } }]);
    spec
      .given(team)
      .when(cmd('RemoveMember', 'vic', { userId: 'vic' }))
      .then([{ type: 'WorkspaceMemberRemoved', data: { workspaceId, userId: 'vic', removedBy: 'vic', at } }]);
    spec
      .given(team)
      .when(cmd('RemoveMember', 'vic', { userId: 'bob' }))
      .thenThrows(WorkspaceForbiddenError);
    spec
      .given(team)
      .when(cmd('RemoveMember', 'ann', { userId: 'ann' }))
      .thenThrows(WorkspaceLastOwnerError);
  });

  it('a removed member no longer sees the workspace', () => {
    const after = [
      ...team,
      { type: 'WorkspaceMemberRemoved', data: { workspaceId, userId: 'bob', removedBy: 'ann', at } } as WorkspaceEvent,
    ];
    spec
      .given(after)
      .when(cmd('RenameWorkspace', 'bob', { input: { name: 'x' } }))
      .thenThrows(WorkspaceNotFoundError);
    expect(roleIn(fold(workspaceDecider, after), workspaceId, 'bob')).toBeNull();
    expect(roleIn(fold(workspaceDecider, after), workspaceId, 'vic')).toBe('viewer');
  });
});

describe('Workspace: delete and personal workspaces', () => {
  it('an owner deletes; afterwards every command is 404', () => {
    spec
      .given(team)
      .when(cmd('DeleteWorkspace', 'ann', {}))
      .then([{ type: 'WorkspaceDeleted', data: { workspaceId, at } }]);
    spec
      .given(team)
      .when(cmd('DeleteWorkspace', 'bob', {}))
      .thenThrows(WorkspaceForbiddenError);
    const deleted = [...team, { type: 'WorkspaceDeleted', data: { workspaceId, at } } as WorkspaceEvent];
    spec
      .given(deleted)
      .when(cmd('AddMember', 'ann', { input: { userId: 'x', role: 'viewer' } }))
      .thenThrows(WorkspaceNotFoundError);
    expect(roleIn(fold(workspaceDecider, deleted), workspaceId, 'ann')).toBeNull();
  });

  it('a personal workspace has its user as only owner', () => {
    const none = workspaceDecider.initialState();
    expect(roleIn(none, 'personal:ann', 'ann')).toBe('owner');
    expect(roleIn(none, 'personal:ann', 'bob')).toBeNull();
  });
});
