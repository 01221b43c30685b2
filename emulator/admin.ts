// The admin HTTP API under /__admin (served only when the emulator is started with `admin`):
// lets tests in other processes seed state, change it, read the request log and inject faults.
import { z } from 'zod';
import { faultSettingsSchema } from './faults.js';
import { parseSeed } from './seed.js';
import type { Emulator } from './server.js';

const licenseRefSchema = z.strictObject({
  product: z.string(),
  licenseKey: z.string().optional(),
  username: z.string().optional(),
  licenseId: z.number().int().optional(),
});

const licenseChangeSchema = licenseRefSchema.extend({
  enabled: z.boolean().optional(),
  active: z.boolean().optional(),
  maxActivations: z.number().int().nonnegative().optional(),
  trialExpired: z.boolean().optional(),
});

const blacklistSchema = z.strictObject({
  product: z.string(),
  hardwareId: z.string(),
  blacklisted: z.boolean().default(true),
});
const deviceSchema = licenseRefSchema.extend({ hardwareId: z.string() });

export interface AdminAnswer {
  status: number;
  body: unknown;
}

export function handleAdmin(emulator: Emulator, method: string, url: URL, body: string): AdminAnswer {
  const route = `${method} ${url.pathname.slice('/__admin'.length)}`;
  try {
    const input = body ? (JSON.parse(body) as unknown) : {};
    switch (route) {
      case 'GET /state':
        return ok(emulator.state.snapshot());
      case 'POST /seed':
        emulator.state.load(parseSeed(input, 'admin seed'));
        return ok({ loaded: true });
      case 'POST /license': {
        const { enabled, active, maxActivations, trialExpired, ...ref } = licenseChangeSchema.parse(input);
        const change = Object.fromEntries(
          Object.entries({ enabled, active, maxActivations, trialExpired }).filter(([, value]) => value !== undefined),
        );
        emulator.state.changeLicense(ref, change);
        return ok({ changed: true });
      }
      case 'POST /blacklist': {
        const { product, hardwareId, blacklisted } = blacklistSchema.parse(input);
        emulator.state.setBlacklisted(product, hardwareId, blacklisted);
        return ok({ blacklisted });
      }
      case 'POST /deactivate': {
        const { hardwareId, ...ref } = deviceSchema.parse(input);
        emulator.state.deactivate(ref, hardwareId);
        return ok({ deactivated: true });
      }
      case 'GET /variables': {
        const product = url.searchParams.get('product') ?? '';
        const hardwareId = url.searchParams.get('hardware_id') ?? '';
        return ok(emulator.state.variablesOf(product, hardwareId));
      }
      case 'GET /faults':
        return ok({
          pending: emulator.faults.pending(),
          clockSkewMs: emulator.faults.clockSkewMs,
          injected: emulator.faults.injected,
        });
      case 'POST /faults':
        emulator.faults.apply(faultSettingsSchema.parse(input));
        return ok({ pending: emulator.faults.pending() });
      case 'DELETE /faults':
        emulator.faults.clear();
        return ok({ cleared: true });
      case 'POST /tokens/expire':
        emulator.tokens.expireAll(emulator.now());
        return ok({ expired: true });
      case 'GET /requests':
        return ok(emulator.requests);
      case 'DELETE /requests':
        emulator.requests.length = 0;
        return ok({ cleared: true });
      default:
        return { status: 404, body: { error: `No admin route ${route}.` } };
    }
  } catch (error) {
    return { status: 400, body: { error: describe(error) } };
  }
}

function ok(body: unknown): AdminAnswer {
  return { status: 200, body };
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    return `${issue.path.join('.') || '(body)'}: ${issue.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
