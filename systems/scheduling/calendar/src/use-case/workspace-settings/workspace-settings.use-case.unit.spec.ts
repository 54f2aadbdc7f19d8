import type { Reminder } from '@archipelago/util-calendar';
import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../entity/event/calendar-event.errors.js';
import type { WorkspaceMembershipPort, WorkspaceRole } from '../port/workspace-membership.port.js';
import type { WorkspaceSettings, WorkspaceSettingsPort } from '../port/workspace-settings.port.js';
import { WorkspaceNotFoundError } from '../workspace-access.js';
import { GetWorkspaceSettingsQuery, SetWorkspaceSettingsCommand } from './workspace-settings.messages.js';
import { GetWorkspaceSettingsUseCase, SetWorkspaceSettingsUseCase } from './workspace-settings.use-case.js';

const WS = 'team';
const NOW = '2026-03-01T09:00:00.000Z';

class InMemorySettings implements WorkspaceSettingsPort {
  readonly rows = new Map<string, WorkspaceSettings>();
  async get(workspaceId: string, userId: string): Promise<WorkspaceSettings> {
    return this.rows.get(`${workspaceId}|${userId}`) ?? { workspaceId, userId, defaultReminders: [], updatedAt: null };
  }
  async setDefaultReminders(workspaceId: string, userId: string, reminders: readonly Reminder[], at: string) {
    const row = { workspaceId, userId, defaultReminders: reminders, updatedAt: at };
    this.rows.set(`${workspaceId}|${userId}`, row);
    return row;
  }
}

function given(roles: Record<string, WorkspaceRole>) {
  const memberships: WorkspaceMembershipPort = {
    roleOf: async (workspaceId, userId) => (workspaceId === WS ? (roles[userId] ?? null) : null),
    owners: async () => [],
    apply: async () => true,
  };
  const settings = new InMemorySettings();
  const set = new SetWorkspaceSettingsUseCase(settings, memberships, { now: () => NOW });
  const get = new GetWorkspaceSettingsUseCase(settings, memberships);
  return { settings, set, get };
}

describe('per-member calendar settings (use cases)', () => {
  it('lets every member, whatever the role, set their own list, and reads back only the caller’s', async () => {
    const { set, get } = given({ ann: 'owner', bob: 'editor', cy: 'viewer' });
    await set.execute(new SetWorkspaceSettingsCommand(WS, [{ offset: '-PT15M' }], 'ann'));
    await set.execute(new SetWorkspaceSettingsCommand(WS, [{ offset: '-P1D' }, { at: NOW }], 'bob'));
    await set.execute(new SetWorkspaceSettingsCommand(WS, [], 'cy'));
    expect(await get.execute(new GetWorkspaceSettingsQuery(WS, 'ann'))).toEqual({
      workspaceId: WS,
      userId: 'ann',
      defaultReminders: [{ offset: '-PT15M' }],
      updatedAt: NOW,
    });
    expect((await get.execute(new GetWorkspaceSettingsQuery(WS, 'bob'))).defaultReminders).toEqual([
      { offset: '-P1D' },
      { at: NOW },
    ]);
    expect((await get.execute(new GetWorkspaceSettingsQuery(WS, 'cy'))).defaultReminders).toEqual([]);
  });

  it('is a 404 for a non-member, and writes nothing', async () => {
    const { set, get, settings } = given({ ann: 'owner' });
    await expect(set.execute(new SetWorkspaceSettingsCommand(WS, [], 'eve'))).rejects.toBeInstanceOf(
      WorkspaceNotFoundError,
    );
    await expect(get.execute(new GetWorkspaceSettingsQuery(WS, 'eve'))).rejects.toBeInstanceOf(WorkspaceNotFoundError);
    expect(settings.rows.size).toBe(0);
  });

  it('refuses bad reminders by field (defaultReminders/<i>…), and keeps the list it had', async () => {
    const { set, get } = given({ bob: 'editor' });
    await set.execute(new SetWorkspaceSettingsCommand(WS, [{ offset: '-PT5M' }], 'bob'));
    const error = await set
      .execute(new SetWorkspaceSettingsCommand(WS, [{ offset: '-PT10M' }, { offset: 'soon' }], 'bob'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).problems.map((p) => p.field)).toEqual([
      expect.stringMatching(/^defaultReminders\/1/),
    ]);
    expect((await get.execute(new GetWorkspaceSettingsQuery(WS, 'bob'))).defaultReminders).toEqual([
      { offset: '-PT5M' },
    ]);
  });
});
