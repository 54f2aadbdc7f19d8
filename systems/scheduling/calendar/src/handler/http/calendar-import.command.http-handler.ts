import { ApiProblemResponses, ApiZodResponse, currentRequestContext, ZodParams } from '@archipelago/platform-service';
import { Body, Controller, HttpCode, type OnModuleInit, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ImportCalendarCommand } from '../../use-case/import-calendar/import-calendar.command.js';
import type { ImportCalendarResult } from '../../use-case/import-calendar/import-calendar.use-case.js';
import { RotateFeedTokenCommand } from '../../use-case/rotate-feed-token/rotate-feed-token.command.js';
import type { FeedTokenResult } from '../../use-case/rotate-feed-token/rotate-feed-token.use-case.js';

const importParams = z.object({ workspaceId: z.string().min(1).max(250) });

/** The answer of a rotation: the token is shown once (only its SHA-256 is stored). */
export const feedTokenDto = z
  .object({
    token: z.string().describe('The secret feed token (43 characters, base64url); shown only now'),
    url: z.string().describe('Path of the feed with the token: subscribe a calendar client to it (behind the edge)'),
    createdAt: z.string(),
  })
  .meta({
    id: 'FeedToken',
    examples: [
      {
        token: '<feed token>',
        url: '/scheduling/v1/calendars/<workspace id>.ics?token=<feed token>',
        createdAt: '2026-03-01T09:00:00Z',
      },
    ],
  });

/** Imports an iCalendar file into a workspace (the command role); the body is `text/calendar`. */
@ApiTags('calendar')
@Controller('scheduling/v1/calendars')
export class CalendarImportCommandHttpHandler implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** Lets fastify read `text/calendar` bodies as strings (within the platform's body limit). */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify && !fastify.hasContentTypeParser('text/calendar'))
      fastify.addContentTypeParser('text/calendar', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }

  @Post(':workspaceId/feed-token')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate my feed token',
    description:
      'A new secret token for the caller’s `.ics` feed of the workspace (a member, any role); the previous one stops working. The token is shown once: only its SHA-256 is kept.',
  })
  @ApiZodResponse(201, feedTokenDto, 'The new token and the feed URL that carries it')
  @ApiProblemResponses(400, 401, 404)
  async rotateFeedToken(@ZodParams(importParams) params: { workspaceId: string }): Promise<FeedTokenResult> {
    return this.commands.execute(
      new RotateFeedTokenCommand(params.workspaceId, currentRequestContext()?.actor?.id ?? ''),
    );
  }

  @Post(':workspaceId/import')
  @HttpCode(201)
  @ApiConsumes('text/calendar')
  @ApiOperation({
    summary: 'Import an .ics file',
    description:
      'One event per VEVENT series, overrides (RECURRENCE-ID) applied; answers `{created: [ids], problems}` (events skipped, by `events/<i>/<field>`). 400 when nothing is importable.',
  })
  @ApiProblemResponses(400, 401, 404, 413, 415)
  async import(
    @ZodParams(importParams) params: { workspaceId: string },
    @Body() body: unknown,
  ): Promise<ImportCalendarResult> {
    const ctx = currentRequestContext();
    return this.commands.execute(
      new ImportCalendarCommand(params.workspaceId, typeof body === 'string' ? body : '', ctx?.actor?.id ?? '', {
        correlationId: ctx?.correlationId,
        causationId: ctx?.requestId,
        actor: ctx?.actor?.id,
        traceparent: ctx?.traceparent,
      }),
    );
  }
}
