import type { FieldProblem } from '@archipelago/util-calendar';
import type { Decider } from '@archipelago/util-decider';
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
import {
  isWorkspaceRole,
  personalOwnerOf,
  WORKSPACE_LIMITS,
  WORKSPACE_ROLES,
  type WorkspaceRole,
} from './workspace.model.js';

type Cmd<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data & { readonly workspaceId: string; readonly actorId: string; readonly now: string };
};
type Body = Readonly<Record<string, unknown>>;

/**
 * Commands of the Workspace aggregate. `actorId` is the caller (JWT `sub`), `now` an RFC 3339 instant;
 * `input` is the request body as parsed JSON, validated here by field.
 */
export type WorkspaceCommand =
  | Cmd<'CreateWorkspace', { readonly input: Body }>
  | Cmd<'RenameWorkspace', { readonly input: Body }>
  | Cmd<'AddMember', { readonly input: Body }>
  | Cmd<'ChangeMemberRole', { readonly userId: string; readonly input: Body }>
  | Cmd<'RemoveMember', { readonly userId: string }>
  | Cmd<'DeleteWorkspace', object>;

/** A workspace's state: absent, deleted, or live with its name, members by user id, and version. */
export type WorkspaceState =
  | { readonly kind: 'absent'; readonly version: 0 }
  | { readonly kind: 'deleted'; readonly workspaceId: string; readonly version: number }
  | {
      readonly kind: 'live';
      readonly workspaceId: string;
      readonly name: string;
      readonly members: Readonly<Record<string, WorkspaceRole>>;
      readonly version: number;
    };

type Live = Extract<WorkspaceState, { kind: 'live' }>;

function validName(body: Body, problems: FieldProblem[]): string {
  const name = body['name'];
  if (typeof name !== 'string' || name.trim().length === 0) {
    problems.push({ field: 'name', message: 'is required: 1 to 200 characters' });
    return '';
  }
  if (name.trim().length > WORKSPACE_LIMITS.nameMax) {
    problems.push({ field: 'name', message: `must be at most ${WORKSPACE_LIMITS.nameMax} characters` });
  }
  return name.trim();
}

function validRole(body: Body, problems: FieldProblem[]): WorkspaceRole {
  const role = body['role'];
  if (!isWorkspaceRole(role)) {
    problems.push({ field: 'role', message: `must be one of ${WORKSPACE_ROLES.join(', ')}` });
    return 'viewer';
  }
  return role;
}

function unknownKeys(body: Body, allowed: readonly string[], problems: FieldProblem[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) problems.push({ field: key, message: 'is not a known field' });
  }
}

function check(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new WorkspaceValidationError(problems);
}

/** The live workspace as the actor may see it: 404 when absent, deleted, or the actor is no member. */
function visible(state: WorkspaceState, workspaceId: string, actorId: string): Live {
  if (state.kind !== 'live' || state.members[actorId] === undefined) throw new WorkspaceNotFoundError(workspaceId);
  return state;
}

function requireOwner(state: Live, actorId: string): void {
  const role = state.members[actorId];
  if (role !== 'owner') throw new WorkspaceForbiddenError(state.workspaceId, role ?? 'none', 'owner');
}

const ownerCount = (state: Live): number => Object.values(state.members).filter((r) => r === 'owner').length;

function decideWorkspace(command: WorkspaceCommand, state: WorkspaceState): WorkspaceEvent[] {
  const { workspaceId, actorId, now: at } = command.data;
  if (personalOwnerOf(workspaceId) !== null) throw new WorkspacePersonalError(workspaceId);
  switch (command.type) {
    case 'CreateWorkspace': {
      const problems: FieldProblem[] = [];
      unknownKeys(command.data.input, ['name'], problems);
      const name = validName(command.data.input, problems);
      check(problems);
      if (state.kind !== 'absent') throw new WorkspaceAlreadyExistsError(workspaceId);
      return [
        { type: 'WorkspaceCreated', data: { workspaceId, name, ownerId: actorId, at } },
        { type: 'WorkspaceMemberAdded', data: { workspaceId, userId: actorId, role: 'owner', addedBy: actorId, at } },
      ];
    }
    case 'RenameWorkspace': {
      const live = visible(state, workspaceId, actorId);
      const problems: FieldProblem[] = [];
      unknownKeys(command.data.input, ['name'], problems);
      const name = validName(command.data.input, problems);
      check(problems);
      requireOwner(live, actorId);
      return name === live.name ? [] : [{ type: 'WorkspaceRenamed', data: { workspaceId, name, at } }];
    }
    case 'AddMember': {
      const live = visible(state, workspaceId, actorId);
      const problems: FieldProblem[] = [];
      const body = command.data.input;
      unknownKeys(body, ['userId', 'role'], problems);
      const userId = body['userId'];
      if (typeof userId !== 'string' || userId.trim().length === 0 || userId.length > WORKSPACE_LIMITS.userIdMax) {
        problems.push({ field: 'userId', message: 'is required: the subject (`sub`) of a user, 1 to 200 characters' });
      }
      const role = validRole(body, problems);
      check(problems);
      requireOwner(live, actorId);
      const member = userId as string;
      const current = live.members[member];
      if (current === role) return [];
      if (current !== undefined) throw new WorkspaceMemberExistsError(workspaceId, member, current);
      if (Object.keys(live.members).length >= WORKSPACE_LIMITS.membersMax) {
        throw new WorkspaceValidationError([
          {
            field: 'userId',
            message: `the workspace has ${WORKSPACE_LIMITS.membersMax} members, the most it can have`,
          },
        ]);
      }
      return [{ type: 'WorkspaceMemberAdded', data: { workspaceId, userId: member, role, addedBy: actorId, at } }];
    }
    case 'ChangeMemberRole': {
      const live = visible(state, workspaceId, actorId);
      const problems: FieldProblem[] = [];
      unknownKeys(command.data.input, ['role'], problems);
      const role = validRole(command.data.input, problems);
      check(problems);
      requireOwner(live, actorId);
      const { userId } = command.data;
      const current = live.members[userId];
      if (current === undefined) throw new WorkspaceMemberNotFoundError(workspaceId, userId);
      if (current === role) return [];
      if (current === 'owner' && ownerCount(live) === 1) throw new WorkspaceLastOwnerError(workspaceId, userId);
      return [{ type: 'WorkspaceMemberRoleChanged', data: { workspaceId, userId, role, at } }];
    }
    case 'RemoveMember': {
      const live = visible(state, workspaceId, actorId);
      const { userId } = command.data;
      // Anyone may leave; only an owner removes someone else.
      if (userId !== actorId) requireOwner(live, actorId);
      const current = live.members[userId];
      if (current === undefined) throw new WorkspaceMemberNotFoundError(workspaceId, userId);
      if (current === 'owner' && ownerCount(live) === 1) throw new WorkspaceLastOwnerError(workspaceId, userId);
      return [{ type: 'WorkspaceMemberRemoved', data: { workspaceId, userId, removedBy: actorId, at } }];
    }
    case 'DeleteWorkspace': {
      const live = visible(state, workspaceId, actorId);
      requireOwner(live, actorId);
      return [{ type: 'WorkspaceDeleted', data: { workspaceId, at } }];
    }
  }
}

function evolveWorkspace(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  const version = state.version + 1;
  switch (event.type) {
    case 'WorkspaceCreated':
      return { kind: 'live', workspaceId: event.data.workspaceId, name: event.data.name, members: {}, version };
    case 'WorkspaceDeleted':
      return { kind: 'deleted', workspaceId: event.data.workspaceId, version };
  }
  if (state.kind !== 'live') return { ...state, version } as WorkspaceState;
  switch (event.type) {
    case 'WorkspaceRenamed':
      return { ...state, name: event.data.name, version };
    case 'WorkspaceMemberAdded':
    case 'WorkspaceMemberRoleChanged':
      return { ...state, members: { ...state.members, [event.data.userId]: event.data.role }, version };
    case 'WorkspaceMemberRemoved': {
      const members = { ...state.members };
      delete members[event.data.userId];
      return { ...state, members, version };
    }
  }
}

export const initialWorkspaceState = (): WorkspaceState => ({ kind: 'absent', version: 0 });

/**
 * The Workspace decider (emmett-style). Rules: the creator is the first owner; only owners add, remove
 * and re-role members, rename and delete (else 403 for a member); anyone may leave; a non-member gets
 * 404 as if the workspace did not exist; the last owner cannot be removed or demoted (409); personal
 * workspaces (`personal:<sub>`) are implicit and refuse every command (409).
 */
export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  decide: decideWorkspace,
  evolve: evolveWorkspace,
  initialState: initialWorkspaceState,
};

/** The role of `userId` in a workspace state, or null when not a member (personal: its owner only). */
export function roleIn(state: WorkspaceState, workspaceId: string, userId: string): WorkspaceRole | null {
  const personalOwner = personalOwnerOf(workspaceId);
  if (personalOwner !== null) return personalOwner === userId ? 'owner' : null;
  return state.kind === 'live' ? (state.members[userId] ?? null) : null;
}
