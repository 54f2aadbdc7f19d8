import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
  ZodParams,
} from '@archipelago/platform-service';
import { Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { WorkspaceSettings } from '../../use-case/port/workspace-settings.port.js';
import {
  GetWorkspaceSettingsQuery,
  SetWorkspaceSettingsCommand,
} from '../../use-case/workspace-settings/workspace-settings.messages.js';
import { reminderDoc } from './calendar-event.schemas.js';

const settingsParams = z.object({
  workspaceId: z.string().min(1).max(250).describe('A workspace id (a UUID, or personal:<sub>)'),
});

/** The body of `PUT …/settings`: the caller's whole settings document in the workspace (at most 10 default reminders). */
export const workspaceSettingsBody = z
  .strictObject({
    defaultReminders: z
      .array(reminderDoc)
      .max(10)
      .describe(
        'Reminders of the new events you create here that give none: [{ offset: "-PT15M" } | { at }]; [] for none',
      ),
  })
  .meta({ id: 'CalendarSettingsInput', examples: [{ defaultReminders: [{ offset: '-PT15M' }] }] });

export const workspaceSettingsDto = z
  .object({
    workspaceId: z.string(),
    userId: z.string().describe('The member these settings belong to: always the caller'),
    defaultReminders: z.array(z.union([z.object({ offset: z.string() }), z.object({ at: z.string() })])),
    updatedAt: z.string().nullable().describe('RFC 3339 instant of the last change; null when never set'),
  })
  .meta({
    id: 'CalendarSettings',
    examples: [
      {
        workspaceId: 'personal:<user id>',
        userId: '<user id>',
        defaultReminders: [{ offset: '-PT15M' }],
        updatedAt: '2026-03-01T09:00:00.000Z',
      },
    ],
  });

const actorId = (): string => currentRequestContext()?.actor?.id ?? '';

/** Writes the caller's calendar settings in a workspace (the command role). */
@ApiTags('calendar')
@Controller('scheduling/v1/calendars')
export class CalendarSettingsCommandHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Put(':workspaceId/settings')
  @ApiOperation({
    summary: 'Set your calendar settings in the workspace',
    description:
      'Replaces your own default reminders in this workspace: a new event you create (or import without VALARMs) here whose request has no `reminders` gets them (an explicit list, even empty, wins; existing events keep theirs; other members have their own). Any member may set theirs (404 for a non-member); 400 by field for a reminder that is not an RFC 5545 duration of at most 366 days or an instant. A new task you create here without `reminders` gets them too, a moment later (tasks keeps a copy from MemberReminderDefaultsSetV1); without a due, only the absolute ones.',
  })
  @ApiZodBody(workspaceSettingsBody)
  @ApiZodResponse(200, workspaceSettingsDto, 'The settings as stored')
  @ApiProblemResponses(400, 401, 404, 413)
  async put(
    @ZodParams(settingsParams) params: { workspaceId: string },
    @ZodBody(workspaceSettingsBody) body: { defaultReminders: unknown[] },
  ): Promise<WorkspaceSettings> {
    return this.commands.execute(new SetWorkspaceSettingsCommand(params.workspaceId, body.defaultReminders, actorId()));
  }
}

/** Reads the caller's calendar settings in a workspace (the query role). */
@ApiTags('calendar')
@Controller('scheduling/v1/calendars')
export class CalendarSettingsQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get(':workspaceId/settings')
  @ApiOperation({
    summary: 'Your calendar settings in the workspace',
    description: 'Your own default reminders in this workspace (none until you set them), for a member (else 404).',
  })
  @ApiZodResponse(200, workspaceSettingsDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(settingsParams) params: { workspaceId: string }): Promise<WorkspaceSettings> {
    return this.queries.execute(new GetWorkspaceSettingsQuery(params.workspaceId, actorId()));
  }
}
