/** Schedules: CRUD, enable/disable, fire history, and a preview of the next fire times. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { deleteSchedule, getSchedule, listFires, listSchedules } from '../../db/schedules.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { cronProblem, nextFireTimes, timeZoneProblem } from '../../domain/schedule-times.ts';
import { createSchedule, editSchedule, enableSchedule } from '../../scheduler/definitions.ts';
import type { App, HttpDeps } from '../app.ts';
import {
  CreateSchedule,
  FiresQuery,
  PreviewSchedule,
  Schedule,
  ScheduleFire,
  SchedulePreview,
  SchedulesQuery,
  UpdateSchedule,
} from '../schedule-schemas.ts';
import { IdParams } from '../schemas.ts';
import { found } from '../scope.ts';

const tags = ['schedules'];

export function scheduleRoutes(app: App, deps: HttpDeps): void {
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'schedule', id, (scope) => getSchedule(deps.db, scope, id));

  app.get(
    '/schedules',
    {
      schema: {
        tags,
        summary: 'Schedules by name, each with its last run and next fire time',
        querystring: SchedulesQuery,
        response: { 200: Type.Array(Schedule) },
      },
    },
    async (request) => listSchedules(deps.db, request.scope, request.query),
  );

  app.post(
    '/schedules/preview',
    {
      schema: {
        tags,
        summary: 'The next fire times of a cron expression in a time zone (default 5)',
        body: PreviewSchedule,
        response: { 200: SchedulePreview },
      },
    },
    async (request) => {
      const { cron, count = 5 } = request.body;
      const timeZone = request.body.timeZone ?? 'UTC';
      const cronError = cronProblem(cron);
      if (cronError) throw invalid('body.cron', cronError);
      const zoneError = timeZoneProblem(timeZone);
      if (zoneError) throw invalid('body.timeZone', zoneError);
      const times = nextFireTimes(cron.trim(), timeZone, new Date(), count);
      return { fireTimes: times.map((d) => d.toISOString()), timeZone };
    },
  );

  app.post(
    '/schedules',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Create a schedule; parameter values and targets are checked as a launch checks them',
        description:
          'A bad cron expression is a 400 naming `body.cron`, an unknown time zone `body.timeZone`, a bad value `parameters.<name>`.',
        body: CreateSchedule,
        response: { 201: Schedule },
      },
    },
    async (request, reply) => {
      const id = await createSchedule(
        deps.db,
        deps.vault,
        request.scope,
        request.body,
        request.user?.id ?? null,
      );
      return reply.status(201).send(await get(request, id));
    },
  );

  app.get(
    '/schedules/:id',
    { schema: { tags, summary: 'A schedule', params: IdParams, response: { 200: Schedule } } },
    async (request) => get(request, request.params.id),
  );

  app.patch(
    '/schedules/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Change a schedule; a secret parameter sent as `***` keeps its stored value',
        params: IdParams,
        body: UpdateSchedule,
        response: { 200: Schedule },
      },
    },
    async (request) => {
      await get(request, request.params.id);
      await editSchedule(deps.db, deps.vault, request.scope, request.params.id, request.body);
      return get(request, request.params.id);
    },
  );

  app.delete(
    '/schedules/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Delete a schedule and its fire history',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await get(request, request.params.id);
      if (!(await deleteSchedule(deps.db, request.params.id))) throw notFound('schedule', request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/schedules/:id/${action}`,
      {
        config: { access: 'operator' },
        schema: {
          tags,
          summary: enabled
            ? 'Enable a schedule: it fires from its next fire time after now'
            : 'Disable a schedule: it does not fire until enabled',
          params: IdParams,
          response: { 200: Schedule },
        },
      },
      async (request) => {
        await get(request, request.params.id);
        await enableSchedule(deps.db, request.params.id, enabled);
        return get(request, request.params.id);
      },
    );
  }

  app.get(
    '/schedules/:id/fires',
    {
      schema: {
        tags,
        summary: 'Fire history, newest first: the run each fire started, or why it did not',
        params: IdParams,
        querystring: FiresQuery,
        response: { 200: Type.Array(ScheduleFire) },
      },
    },
    async (request) => {
      await get(request, request.params.id);
      return listFires(deps.db, request.params.id, {
        limit: request.query.limit ?? 50,
        before: request.query.before,
      });
    },
  );
}
