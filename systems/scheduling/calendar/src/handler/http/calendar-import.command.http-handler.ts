import { ApiProblemResponses, currentRequestContext, ZodParams } from '@archipelago/platform-service';
import { Body, Controller, HttpCode, type OnModuleInit, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ImportCalendarCommand } from '../../use-case/import-calendar/import-calendar.command.js';
import type { ImportCalendarResult } from '../../use-case/import-calendar/import-calendar.use-case.js';

const importParams = z.object({ workspaceId: z.string().min(1).max(64) });

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
