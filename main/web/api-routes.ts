// The status page's API: each method of the HTTP route table (shared/http-routes.ts) answered by
// the agent, with its body checked first.
import { z } from 'zod';
import { API_BASE, HTTP_ROUTES, type HttpApiMethod } from '../../shared/http-routes.js';
import { FIRST_SCREEN_MAX_ROWS } from '../../shared/agent-api.js';
import {
  changesCursorSchema,
  correlationIdSchema,
  deadLetterNamesSchema,
  firstScreenRowsSchema,
  pageNameSchema,
} from '../../shared/ipc.js';
import type { Agent } from '../core/agent.js';
import type { ChangeFeed } from '../core/change-feed.js';
import { HttpError } from './http-io.js';

/** Answers one request; undefined means 204 No Content. */
export type ApiRoute = (body: unknown) => Promise<unknown> | unknown;

/** The routes by "METHOD /api/path"; `feed` answers getChanges (the event streams push from it too). */
export function apiRoutes(agent: Agent, feed: ChangeFeed): Map<string, ApiRoute> {
  const handlers: Record<HttpApiMethod, ApiRoute> = {
    getStatus: () => agent.status(),
    getVariables: () => agent.variables(),
    getChanges: (body) => {
      const { since, page } = parseCursor(body);
      return feed.changesSince(since, page);
    },
    getFirstScreen: (body) => feed.firstScreen(parseRows(body)),
    getDeadLetters: () => agent.deadLetters(),
    syncNow: () => agent.syncNow(),
    pause: () => agent.pause(),
    resume: () => agent.resume(),
    retryDeadLetters: (body) => ({ count: agent.retryDeadLetters(parseNames(body)) }),
    discardDeadLetters: (body) => ({ count: agent.discardDeadLetters(parseNames(body)) }),
    getActivity: () => agent.activity(),
    getAttemptLog: (body) => {
      const id = parseAttemptId(body);
      const log = agent.attemptLog(id);
      if (!log) throw new HttpError(404, `no recent sync attempt has the ID ${id}`);
      return log;
    },
    checkNetwork: () => agent.checkNetwork(),
  };
  return new Map(
    (Object.keys(HTTP_ROUTES) as HttpApiMethod[]).map((name) => {
      const { method, path } = HTTP_ROUTES[name];
      return [`${method} ${API_BASE}${path}`, handlers[name]];
    }),
  );
}

/** The body checked against `schema` (none is {}), or a 400 that says what it must be (and, with `why`, what was wrong). */
function checkedBody<T>(schema: z.ZodType<T>, body: unknown, mustBe: string, why = false): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new HttpError(400, why ? `${mustBe}: ${parsed.error.issues[0]?.message ?? 'invalid'}` : mustBe);
}

const namesBody = z.strictObject({ names: deadLetterNamesSchema });
const parseNames = (body: unknown): string[] | undefined =>
  checkedBody(namesBody, body, 'body must be {"names": [text, ...]} or {}', true).names;

const cursorBody = z.strictObject({ since: changesCursorSchema, page: pageNameSchema.optional() });
const parseCursor = (body: unknown): { since: string | null; page?: string } =>
  checkedBody(
    cursorBody,
    body,
    'body must be {"since": null} or {"since": "<cursor of the last answer>"}, with "page": "<the page\'s name>" if it listens to /api/events?page=',
  );

const rowsBody = z.strictObject({ rows: firstScreenRowsSchema });
const parseRows = (body: unknown): number =>
  checkedBody(
    rowsBody,
    body,
    `body must be {"rows": 1 to ${FIRST_SCREEN_MAX_ROWS}} (how many rows the page shows first)`,
  ).rows;

const attemptBody = z.strictObject({ correlationId: correlationIdSchema });
const parseAttemptId = (body: unknown): string =>
  checkedBody(attemptBody, body, 'body must be {"correlationId": "3f9a0c1e"} (an ID from /api/activity)').correlationId;
