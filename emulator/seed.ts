// What the emulator starts from: products, API keys, OAuth clients and licenses (key- or
// user-based), with devices and their variables. A seed comes from code or a JSON file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { variableValueSchema } from '../shared/wire.js';

const deviceSeedSchema = z.strictObject({
  hardwareId: z.string().min(1),
  active: z.boolean().default(true),
  blacklisted: z.boolean().default(false),
  variables: z.record(z.string(), variableValueSchema).default({}),
});

const licenseSeedSchema = z
  .strictObject({
    id: z.number().int().positive().optional(),
    product: z.string().min(1),
    key: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    enabled: z.boolean().default(true),
    active: z.boolean().default(true),
    maxActivations: z.number().int().nonnegative().default(1),
    trialExpired: z.boolean().default(false),
    licenseType: z.string().default('perpetual'),
    devices: z.array(deviceSeedSchema).default([]),
  })
  .refine((license) => (license.key === undefined) !== (license.username === undefined), {
    message: 'a license has either a key or a username',
  });

export const emulatorSeedSchema = z.strictObject({
  products: z.array(
    z.strictObject({
      code: z.string().min(1),
      name: z.string().optional(),
      authorization: z.enum(['key', 'user']).default('key'),
    }),
  ),
  apiKeys: z
    .array(
      z.strictObject({
        apiKey: z.string().min(1),
        sharedKey: z.string().min(1),
        revoked: z.boolean().default(false),
        readOnly: z.boolean().default(false),
        /** Products this key may be used with; all when absent. */
        products: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  oauthClients: z
    .array(
      z.strictObject({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        tokenLifetimeSeconds: z.number().int().positive().default(480),
      }),
    )
    .default([]),
  licenses: z.array(licenseSeedSchema).default([]),
  /** Server-side limits that make it answer validation_error, for testing how clients isolate bad names. */
  validation: z
    .strictObject({
      maxNameLength: z.number().int().positive().optional(),
      maxStringLength: z.number().int().positive().optional(),
      rejectNames: z.array(z.string()).default([]),
    })
    .default({ rejectNames: [] }),
  /** Answer with the older variable shape: an `id` and an ISO `created_at`. */
  legacyVariableFormat: z.boolean().default(false),
});

export type EmulatorSeed = z.input<typeof emulatorSeedSchema>;
export type ResolvedSeed = z.output<typeof emulatorSeedSchema>;

export function parseSeed(seed: unknown, source = 'seed'): ResolvedSeed {
  const result = emulatorSeedSchema.safeParse(seed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

export function readSeedFile(path: string): ResolvedSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseSeed(json, path);
}

/** The demo: one key-based and one user-based license. Its credentials are public on purpose. */
export const DEMO = {
  product: 'varsync-demo',
  userProduct: 'varsync-demo-users',
  licenseKey: 'DEMO-AAAA-BBBB-CCCC',
  username: 'demo@example.com',
  password: 'demo-password',
  apiKey: 'demo-api-key-0000-0000-000000000000',
  sharedKey: 'demo-shared-key-not-a-secret',
  clientId: 'varsync-demo-client',
  clientSecret: 'demo-client-secret-not-a-secret',
} as const;

export function demoSeed(): EmulatorSeed {
  return {
    products: [
      { code: DEMO.product, name: 'Varsync demo', authorization: 'key' },
      { code: DEMO.userProduct, name: 'Varsync demo (user-based)', authorization: 'user' },
    ],
    apiKeys: [{ apiKey: DEMO.apiKey, sharedKey: DEMO.sharedKey }],
    oauthClients: [{ clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }],
    licenses: [
      { product: DEMO.product, key: DEMO.licenseKey, maxActivations: 5 },
      { product: DEMO.userProduct, username: DEMO.username, password: DEMO.password, maxActivations: 5 },
    ],
  };
}
