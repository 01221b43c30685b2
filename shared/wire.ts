// Wire schemas of the License API, as the seed documents them. The client validates every
// response against these, and the emulator validates its own responses against the same ones,
// so the two cannot drift apart silently.
import { z } from 'zod';

/** A device variable's value as the API carries it. */
export const variableValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type VariableValue = z.infer<typeof variableValueSchema>;

/** `variables` in a track or activate request: name -> string | number | boolean. */
export const variablesObjectSchema = z.record(z.string(), variableValueSchema);
export type VariablesObject = z.infer<typeof variablesObjectSchema>;

/** The only error body the API sends: exactly these three properties (the seed's schema). */
export const apiErrorBodySchema = z.strictObject({
  status: z.number(),
  code: z.string(),
  message: z.string(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

// `created_at` is Unix milliseconds today; older responses carried an ISO string (and an `id`).
const createdAtSchema = z.union([
  z.number().finite(),
  z.string().refine((text) => Number.isFinite(Date.parse(text)), 'not a date'),
]);

export const deviceVariableWireSchema = z.object({
  variable: z.string(),
  value: variableValueSchema,
  device_id: z.number(),
  created_at: createdAtSchema,
  id: z.number().optional(),
});
export type DeviceVariableWire = z.infer<typeof deviceVariableWireSchema>;

/** Response of track_device_variables and get_device_variables. */
export const deviceVariablesResponseSchema = z.array(deviceVariableWireSchema);

/** A device variable as the rest of the product sees it: both `created_at` forms folded to ms. */
export interface DeviceVariable {
  name: string;
  value: VariableValue;
  deviceId: number;
  createdAt: number;
}

export function toDeviceVariable(wire: DeviceVariableWire): DeviceVariable {
  const createdAt = typeof wire.created_at === 'number' ? wire.created_at : Date.parse(wire.created_at);
  return { name: wire.variable, value: wire.value, deviceId: wire.device_id, createdAt };
}

/**
 * The license object of activate_license and check_license. Only the fields the agent reads are
 * typed; the API sends many more, which pass through untouched.
 */
export const licenseObjectSchema = z.looseObject({
  license_active: z.boolean(),
  license_enabled: z.boolean(),
  license_type: z.string(),
  max_activations: z.number().optional(),
  times_activated: z.number().optional(),
  device_id: z.number().optional(),
  validity_period: z.string().nullable().optional(),
  product_details: z.looseObject({ short_code: z.string().optional(), product_name: z.string().optional() }).optional(),
});
export type LicenseObject = z.infer<typeof licenseObjectSchema>;

/** GET /.well-known: public, unauthenticated; the connectivity probe. */
export const wellKnownSchema = z.looseObject({
  api_base_url: z.string().optional(),
  supported_api_versions: z.array(z.string()).optional(),
  default_api_version: z.string().optional(),
  version: z.string().optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
  pub_key: z.string().optional(),
  endpoints: z.unknown().optional(),
});
export type WellKnown = z.infer<typeof wellKnownSchema>;

/** deactivate_license answers with the plain string `license_deactivated`. */
export const DEACTIVATED_ANSWER = 'license_deactivated';

/** OAuth client-credentials token response. */
export const oauthTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'not a bearer token'),
});
export type OAuthToken = z.infer<typeof oauthTokenSchema>;

/** OAuth error response (RFC 6749 section 5.2). */
export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});
