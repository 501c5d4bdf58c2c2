import { type Request, Router } from 'express';
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.ts';
import { DomainError } from '../../core/errors.ts';
import { type Routine, routineSchema, settingsSchema } from '../../core/followup/routine.ts';
import { RESPONSIBLE_ROLES, TASK_ACTIONS, TASK_STATES } from '../../core/followup/task.ts';
import type { AnnouncementView } from '../../followup/announcements.ts';
import type { TaskFilter } from '../../followup/followup.port.ts';
import { followUpFor } from '../../followup/wire.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { csvList, etagOf, parseWith, requiredVersion, sendWithEtag } from '../http.ts';
import {
  errors,
  ifMatch,
  itemsOf,
  jsonBody,
  jsonSchema,
  type OpenApiPaths,
  ok,
  type Parameter,
  pathParameter,
  queryParameters,
} from '../openapi-parts.ts';

const isoDate = z.string().refine(isIsoDate, 'må være en dato på formen ÅÅÅÅ-MM-DD');

const filterQuery = z
  .object({
    states: csvList(TASK_STATES).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
    days: z.coerce.number().int().min(0).max(730).optional(),
  })
  .strict();

const versioned = { expectedVersion: z.number().int().min(1).optional() };
const completeBody = z
  .object({
    comment: z.string(),
    evidenceDocumentId: z.string().nullable().optional(),
    ...versioned,
  })
  .strict();
const snoozeBody = z.object({ until: z.string(), ...versioned }).strict();
const skipBody = z.object({ reason: z.string(), ...versioned }).strict();
const reassignBody = z.object({ assigneeId: z.string(), ...versioned }).strict();

/** `?announce=true[&announceText=…]` on a routine change posts a routine update to every channel. */
const announceQuery = z
  .object({
    announce: z.enum(['true', 'false', '1', '0']).optional(),
    announceText: z.string().max(4000).optional(),
  })
  .strict();

async function withAnnouncement(
  services: Services,
  req: Request,
  routine: Routine,
): Promise<
  Routine | (Routine & { announcement: AnnouncementView | null; announcementError?: string })
> {
  const q = parseWith(announceQuery, req.query);
  if (q.announce !== 'true' && q.announce !== '1') return routine;
  try {
    const announcement = await followUpFor(services).announcements.announceRoutine(
      currentUser(req),
      routine,
      q.announceText,
    );
    return { ...routine, announcement };
  } catch (error) {
    // The routine is saved either way; say why it was not announced (e.g. no channels).
    if (!(error instanceof DomainError)) throw error;
    const detail = error.issues?.map((i) => `${i.field}: ${i.message}`).join('; ');
    return {
      ...routine,
      announcement: null,
      announcementError: detail ? `${error.message} (${detail})` : error.message,
    };
  }
}

function filterOf(req: Request): TaskFilter & { days?: number | undefined } {
  const q = parseWith(filterQuery, req.query);
  return {
    states: q.states,
    dueOnOrAfter: q.from,
    dueOnOrBefore: q.to,
    limit: q.limit,
    days: q.days,
  };
}

/** An `If-Match` header, when given, is the version the client saw (else the body's `expectedVersion`). */
function versionOf(
  req: Request,
  body: { expectedVersion?: number | undefined },
): number | undefined {
  return req.header('if-match') ? requiredVersion(req) : body.expectedVersion;
}

/**
 * Follow-up: routines and settings (reading for everyone signed in, changes for Kontraktservice),
 * plans per contract, task lists (mine, a unit's, overdue, upcoming) and task actions.
 */
export function followupRoutes(services: Services): Router {
  const router = Router();
  const followUp = () => followUpFor(services).service;
  followUp();

  router.get('/followup/routines', (req, res) => {
    currentUser(req);
    res.json({ items: followUp().listRoutines() });
  });
  router.get('/followup/routines/:id', (req, res) => {
    currentUser(req);
    const r = followUp().getRoutine(req.params.id as string);
    sendWithEtag(res, r.version, r);
  });
  router.post('/followup/routines', async (req, res) => {
    parseWith(announceQuery, req.query);
    const r = await followUp().saveRoutine(currentUser(req), req.body, { create: true });
    sendWithEtag(res, r.version, await withAnnouncement(services, req, r), 201);
  });
  router.put('/followup/routines/:id', async (req, res) => {
    const user = currentUser(req);
    parseWith(announceQuery, req.query);
    const r = await followUp().saveRoutine(user, req.body, {
      create: false,
      id: req.params.id as string,
      expectedVersion: requiredVersion(req),
    });
    sendWithEtag(res, r.version, await withAnnouncement(services, req, r));
  });
  router.delete('/followup/routines/:id', async (req, res) => {
    await followUp().removeRoutine(currentUser(req), req.params.id as string);
    res.status(204).end();
  });
  router.get('/followup/settings', (req, res) => {
    currentUser(req);
    res.json(followUp().settings());
  });
  router.put('/followup/settings', async (req, res) => {
    res.json(await followUp().saveSettings(currentUser(req), req.body));
  });

  router.get('/followup/contracts/:id/plan', async (req, res) => {
    res.json({ items: await followUp().plan(currentUser(req), req.params.id as string) });
  });
  router.get('/followup/tasks/mine', async (req, res) => {
    res.json({ items: await followUp().myTasks(currentUser(req), filterOf(req)) });
  });
  router.get('/followup/tasks/overdue', async (req, res) => {
    res.json({ items: await followUp().overdue(currentUser(req), filterOf(req)) });
  });
  router.get('/followup/tasks/upcoming', async (req, res) => {
    const f = filterOf(req);
    res.json({ items: await followUp().upcoming(currentUser(req), f.days ?? 30, f) });
  });
  router.get('/followup/units/:unitId/tasks', async (req, res) => {
    const items = await followUp().unitTasks(
      currentUser(req),
      req.params.unitId as string,
      filterOf(req),
    );
    res.json({ items });
  });
  router.get('/followup/tasks/:id', async (req, res) => {
    const t = await followUp().getTask(currentUser(req), req.params.id as string);
    sendWithEtag(res, t.version, t);
  });
  router.post('/followup/tasks/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body);
    const t = await followUp().complete(currentUser(req), req.params.id as string, {
      ...body,
      expectedVersion: versionOf(req, body),
    });
    sendWithEtag(res, t.version, t);
  });
  router.post('/followup/tasks/:id/snooze', async (req, res) => {
    const body = parseWith(snoozeBody, req.body);
    const t = await followUp().snooze(currentUser(req), req.params.id as string, {
      ...body,
      expectedVersion: versionOf(req, body),
    });
    sendWithEtag(res, t.version, t);
  });
  router.post('/followup/tasks/:id/skip', async (req, res) => {
    const body = parseWith(skipBody, req.body);
    const t = await followUp().skip(currentUser(req), req.params.id as string, {
      ...body,
      expectedVersion: versionOf(req, body),
    });
    sendWithEtag(res, t.version, t);
  });
  router.post('/followup/tasks/:id/reassign', async (req, res) => {
    const body = parseWith(reassignBody, req.body);
    const t = await followUp().reassign(currentUser(req), req.params.id as string, {
      ...body,
      expectedVersion: versionOf(req, body),
    });
    res.setHeader('ETag', etagOf(t.version)).json(t);
  });
  return router;
}

export { announceQuery, completeBody, filterQuery, reassignBody, skipBody, snoozeBody };

/** A routine text as the API returns it: bokmål always, nynorsk and English when written. */
const localTextOut = z.object({
  nb: z.string(),
  nn: z.string().optional(),
  en: z.string().optional(),
});

/**
 * A task as the signed-in user sees it (`TaskView`): the answer of every task list, the plan and
 * the task actions. Documented for clients such as the tab; the server builds it, never reads it.
 */
export const taskViewSchema = z.object({
  id: z.string().describe('`<avtale-id>|<aktivitet-id>|<forekomst>`; URL-kod den i stier'),
  contractId: z.string(),
  routineId: z.string(),
  activityId: z.string(),
  occurrence: z.string(),
  title: localTextOut,
  description: localTextOut
    .nullable()
    .describe(
      'Hva skal gjøres: aktivitetens beskrivelse, lagret med oppgaven (åpne oppgaver følger rutineendringer)',
    ),
  evidence: localTextOut
    .nullable()
    .describe(
      'Hva som skal dokumenteres eller arkiveres: leses fra rutinens aktivitet når svaret lages; null når rutinen eller aktiviteten er slettet eller ikke krever dokumentasjon',
    ),
  responsibleRole: z.enum(RESPONSIBLE_ROLES),
  assigneeId: z.string().nullable(),
  unitId: z.string(),
  dueDate: isoDate,
  state: z.enum(TASK_STATES),
  snoozedUntil: isoDate.nullable(),
  leadTimesDays: z.array(z.number().int()),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  comment: z.string().nullable(),
  evidenceDocumentId: z.string().nullable(),
  reason: z.string().nullable(),
  manuallyAssigned: z.boolean().optional(),
  history: z.array(
    z.object({
      at: z.string(),
      actorId: z.string(),
      action: z.enum(TASK_ACTIONS),
      from: z.string().nullable().optional(),
      to: z.string().nullable().optional(),
      comment: z.string().nullable().optional(),
    }),
  ),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  contract: z.object({
    id: z.string(),
    referenceNumber: z.string(),
    title: z.string().describe('Tom hvis tittelen er unntatt offentlighet for brukeren'),
    currentEndDate: isoDate.nullable(),
    ownerId: z.string(),
    managerId: z.string().nullable(),
  }),
  daysUntilDue: z.number().int(),
  overdue: z.boolean(),
  permissions: z.object({
    canView: z.boolean(),
    canComplete: z.boolean(),
    canSnooze: z.boolean(),
    canSkip: z.boolean(),
    canReassign: z.boolean(),
  }),
});
const taskView = jsonSchema(taskViewSchema);
const taskList = itemsOf(taskView);

const tags = ['Oppfølging'];
const taskId = pathParameter('id', 'Oppgavens id');
const routineId = pathParameter('id', 'Rutinens id');
const filter = queryParameters(filterQuery);
/** `days` only matters for the upcoming list; the other lists accept and ignore it. */
const filterWithout = (name: string): Parameter[] => filter.filter((p) => p.name !== name);
const tasks = (summary: string, parameters: readonly Parameter[]) => ({
  tags,
  summary,
  parameters,
  responses: { 200: ok('Oppgaver brukeren kan se', taskList), ...errors(400) },
});
const taskAction = (summary: string, body: Parameters<typeof jsonBody>[0]) => ({
  tags,
  summary,
  parameters: [taskId, ifMatch(false)],
  requestBody: jsonBody(body),
  responses: { 200: ok('Oppgaven (ETag)', taskView), ...errors(400, 403, 404, 409, 412) },
});

/** OpenAPI paths of routines, settings, plans, task lists and task actions. */
export const openApi: OpenApiPaths = {
  '/api/followup/routines': {
    get: { tags, summary: 'Rutiner', responses: { 200: ok('Rutinene', itemsOf()) } },
    post: {
      tags,
      summary: 'Opprett rutine (Kontraktservice); announce=true kunngjør endringen i kanalene',
      parameters: queryParameters(announceQuery),
      requestBody: jsonBody(routineSchema),
      responses: { 201: ok('Rutinen (ETag)'), ...errors(400, 403, 409) },
    },
  },
  '/api/followup/routines/{id}': {
    get: {
      tags,
      summary: 'Én rutine (ETag)',
      parameters: [routineId],
      responses: { 200: ok('Rutinen'), ...errors(404) },
    },
    put: {
      tags,
      summary: 'Lagre rutine (Kontraktservice); announce=true kunngjør endringen i kanalene',
      parameters: [routineId, ifMatch(), ...queryParameters(announceQuery)],
      requestBody: jsonBody(routineSchema),
      responses: { 200: ok('Rutinen (ETag)'), ...errors(400, 403, 404, 412, 428) },
    },
    delete: {
      tags,
      summary: 'Slett rutine (Kontraktservice)',
      parameters: [routineId],
      responses: { 204: { description: 'Slettet' }, ...errors(403, 404) },
    },
  },
  '/api/followup/settings': {
    get: { tags, summary: 'Oppfølgingsinnstillinger', responses: { 200: ok('Innstillingene') } },
    put: {
      tags,
      summary: 'Lagre oppfølgingsinnstillinger (Kontraktservice)',
      requestBody: jsonBody(settingsSchema),
      responses: { 200: ok('Innstillingene'), ...errors(400, 403) },
    },
  },
  '/api/followup/contracts/{id}/plan': {
    get: {
      tags,
      summary: 'Oppfølgingsplanen for en avtale',
      parameters: [pathParameter('id', 'Avtalens id')],
      responses: { 200: ok('Planlagte og utførte oppgaver', taskList), ...errors(403, 404) },
    },
  },
  '/api/followup/tasks/mine': { get: tasks('Mine oppgaver', filterWithout('days')) },
  '/api/followup/tasks/overdue': { get: tasks('Forfalte oppgaver', filterWithout('days')) },
  '/api/followup/tasks/upcoming': {
    get: tasks('Oppgaver som forfaller de neste days dagene (standard 30)', filter),
  },
  '/api/followup/units/{unitId}/tasks': {
    get: {
      ...tasks('En enhets oppgaver', [
        pathParameter('unitId', 'Enhetens id'),
        ...filterWithout('days'),
      ]),
      responses: { 200: ok('Oppgaver', taskList), ...errors(400, 403, 404) },
    },
  },
  '/api/followup/tasks/{id}': {
    get: {
      tags,
      summary: 'Én oppgave (ETag), med hva som skal gjøres og dokumenteres',
      parameters: [taskId],
      responses: { 200: ok('Oppgaven', taskView), ...errors(404) },
    },
  },
  '/api/followup/tasks/{id}/complete': {
    post: taskAction('Fullfør oppgaven, med kommentar og eventuelt dokumentasjon', completeBody),
  },
  '/api/followup/tasks/{id}/snooze': { post: taskAction('Utsett oppgaven', snoozeBody) },
  '/api/followup/tasks/{id}/skip': { post: taskAction('Hopp over oppgaven, med grunn', skipBody) },
  '/api/followup/tasks/{id}/reassign': {
    post: taskAction('Gi oppgaven til en annen', reassignBody),
  },
};
