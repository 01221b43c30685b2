// What a sync problem means for the person looking at it, in plain words, and what to do.
// Used by the CLI, the status page and the window alike: the words are the catalogs' (shared/i18n),
// English for the command line, and each explanation names its messages so a window can say them
// in its own language.
import { english, type MessageParams, type MessageRef } from './i18n/translator.js';

export type { MessageRef };

export interface ProblemInput {
  kind: string;
  code: string;
  message: string;
  clockOffsetMs?: number | null;
}

export interface Explanation {
  /** One sentence: what is wrong (English, as the command line prints it). */
  reason: string;
  /** One sentence: what to do about it. */
  action: string;
  /** The same two sentences as catalog messages (shared/i18n), for the window and the tray in any language. */
  messages: { reason: MessageRef; action: MessageRef };
}

/** An explanation from two catalog messages, its English words filled in. */
export function explained(reason: MessageRef, action: MessageRef): Explanation {
  return {
    reason: english.say(reason),
    action: english.say(action),
    messages: { reason, action },
  };
}

const PROXY_EXAMPLE = 'http://user:password@proxy:8080';

/** The parameters (commands, settings: never translated) of the explanations that name one. */
const CODE_PARAMS: Partial<Record<string, MessageParams>> = {
  device_not_found: { command: 'varsync activate' },
  http_407: { example: PROXY_EXAMPLE, variable: 'VARSYNC_PROXY' },
  ERR_TLS_CERT_ALTNAME_INVALID: { command: 'varsync config' },
  missing_parameters: { command: 'varsync config' },
};

const KIND_PARAMS: Partial<Record<string, MessageParams>> = {
  credentials: { command: 'varsync config' },
  proxy: { example: PROXY_EXAMPLE },
  tls: { setting: 'caFile', variable: 'VARSYNC_CA_FILE', command: 'varsync diagnostics' },
};

export function explainProblem(problem: ProblemInput): Explanation {
  if (problem.kind === 'clock' || problem.code === 'date_header_diff') {
    return explained(clockReason(problem.clockOffsetMs), { key: 'explain.clock.action' });
  }
  return (
    byCatalog('code', problem.code, CODE_PARAMS[problem.code]) ??
    byCatalog('kind', problem.kind, KIND_PARAMS[problem.kind]) ??
    explained(
      { key: 'explain.unknown.reason', params: { message: problem.message } },
      { key: 'explain.unknown.action' },
    )
  );
}

function byCatalog(by: 'code' | 'kind', id: string, params: MessageParams | undefined): Explanation | undefined {
  const reason = `explain.${by}.${id}.reason`;
  const action = `explain.${by}.${id}.action`;
  if (!english.has(reason) || !english.has(action)) return undefined;
  return explained({ key: reason }, params ? { key: action, params } : { key: action });
}

function clockReason(offsetMs: number | null | undefined): MessageRef {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs))
    return { key: 'explain.clock.unknown.reason' };
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  // A positive offset means the server is ahead, so this device's clock is behind.
  const behind = offsetMs > 0;
  if (minutes >= 120) {
    const count = Math.round(minutes / 60);
    return { key: behind ? 'explain.clock.behindHours.reason' : 'explain.clock.aheadHours.reason', params: { count } };
  }
  return {
    key: behind ? 'explain.clock.behindMinutes.reason' : 'explain.clock.aheadMinutes.reason',
    params: { count: minutes },
  };
}
