// The License API endpoints the agent uses, answered from the emulator's state with the documented
// shapes and errors. Every answer is validated against the shared wire schemas before it is sent.
import type { z } from 'zod';
import {
  DEACTIVATED_ANSWER,
  deviceVariablesResponseSchema,
  licenseObjectSchema,
  type VariableValue,
} from '../shared/wire.js';
import { checkCallerMayUse, type Caller } from './authorization.js';
import {
  EmulatorError,
  type Device,
  type EmulatorState,
  type License,
  type LicenseQuery,
  type StoredVariable,
} from './state.js';

export interface EndpointRequest {
  params: Record<string, unknown>;
  caller: Caller;
  now: number;
}

export type EndpointAnswer = { kind: 'json'; body: unknown; schema: z.ZodType } | { kind: 'text'; body: string };

interface Endpoint {
  method: 'GET' | 'POST';
  writes: boolean;
  handle(state: EmulatorState, request: EndpointRequest): EndpointAnswer;
}

export const ENDPOINTS: Record<string, Endpoint> = {
  track_device_variables: {
    method: 'POST',
    writes: true,
    handle(state, { params, now }) {
      const variables = variablesParam(params, state, true);
      const { device } = state.activeDevice(licenseQuery(params), hardwareIdParam(params));
      const written = state.writeVariables(device, variables, now);
      return variablesAnswer(state, device, written);
    },
  },
  get_device_variables: {
    method: 'GET',
    writes: false,
    handle(state, { params }) {
      const { device } = state.activeDevice(licenseQuery(params), hardwareIdParam(params));
      return variablesAnswer(state, device, [...device.variables]);
    },
  },
  activate_license: {
    method: 'POST',
    writes: true,
    handle(state, { params, now }) {
      const variables = variablesParam(params, state, false);
      const password = optionalString(params, 'password');
      const { license, device } = state.activate(licenseQuery(params), hardwareIdParam(params), password);
      state.writeVariables(device, variables, now);
      return licenseAnswer(state, license, device);
    },
  },
  check_license: {
    method: 'GET',
    writes: false,
    handle(state, { params }) {
      const { license, device } = state.activeDevice(licenseQuery(params), hardwareIdParam(params));
      return licenseAnswer(state, license, device);
    },
  },
  deactivate_license: {
    method: 'POST',
    writes: true,
    handle(state, { params }) {
      state.deactivate(licenseQuery(params), hardwareIdParam(params));
      return { kind: 'text', body: DEACTIVATED_ANSWER };
    },
  },
};

/** Check the parameters every endpoint shares, then the caller's right to use the product. */
export function answer(endpoint: Endpoint, state: EmulatorState, request: EndpointRequest): EndpointAnswer {
  const product = requiredString(request.params, 'product');
  hardwareIdParam(request.params);
  checkCallerMayUse(request.caller, product, endpoint.writes);
  return endpoint.handle(state, request);
}

function licenseQuery(params: Record<string, unknown>): LicenseQuery {
  const licenseId = params.license_id;
  let id: number | undefined;
  if (licenseId !== undefined) {
    id = typeof licenseId === 'number' ? licenseId : Number(licenseId);
    if (!Number.isInteger(id)) throw new EmulatorError('validation_error', 'license_id must be a whole number.');
  }
  return {
    product: requiredString(params, 'product'),
    licenseKey: optionalString(params, 'license_key'),
    username: optionalString(params, 'username'),
    licenseId: id,
  };
}

function hardwareIdParam(params: Record<string, unknown>): string {
  return requiredString(params, 'hardware_id');
}

function requiredString(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new EmulatorError('missing_parameters', `${name} is required.`);
  if (typeof value !== 'string') throw new EmulatorError('validation_error', `${name} must be a string.`);
  return value;
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new EmulatorError('validation_error', `${name} must be a string.`);
  return value;
}

/** Validate every variable before any is written, so a refused request changes nothing. */
function variablesParam(
  params: Record<string, unknown>,
  state: EmulatorState,
  required: boolean,
): Record<string, VariableValue> {
  const variables = params.variables;
  if (variables === undefined && !required) return {};
  if (variables === undefined) throw new EmulatorError('missing_parameters', 'variables is required.');
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new EmulatorError('validation_error', 'variables must be an object of name -> value.');
  }
  const limits = state.seed.validation;
  for (const [name, value] of Object.entries(variables)) {
    const valid =
      typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!valid)
      throw new EmulatorError('validation_error', `Variable "${name}": value must be a string, number or boolean.`);
    if (limits.rejectNames.includes(name))
      throw new EmulatorError('validation_error', `Variable "${name}": name is not allowed.`);
    if (limits.maxNameLength !== undefined && name.length > limits.maxNameLength) {
      throw new EmulatorError(
        'validation_error',
        `Variable "${name}": name is longer than ${limits.maxNameLength} characters.`,
      );
    }
    if (limits.maxStringLength !== undefined && typeof value === 'string' && value.length > limits.maxStringLength) {
      throw new EmulatorError(
        'validation_error',
        `Variable "${name}": value is longer than ${limits.maxStringLength} characters.`,
      );
    }
  }
  return variables as Record<string, VariableValue>;
}

function variablesAnswer(
  state: EmulatorState,
  device: Device,
  variables: Array<[string, StoredVariable]>,
): EndpointAnswer {
  const body = variables.map(([name, stored]) =>
    state.seed.legacyVariableFormat
      ? {
          id: stored.id,
          variable: name,
          value: stored.value,
          device_id: device.id,
          created_at: new Date(stored.createdAt).toISOString(),
        }
      : { variable: name, value: stored.value, device_id: device.id, created_at: stored.createdAt },
  );
  return { kind: 'json', body, schema: deviceVariablesResponseSchema };
}

function licenseAnswer(state: EmulatorState, license: License, device: Device): EndpointAnswer {
  const product = state.product(license.product);
  let activated = 0;
  for (const candidate of license.devices.values()) if (candidate.active) activated++;
  const body = {
    id: license.id,
    license_key: license.key,
    user: license.username === undefined ? undefined : { email: license.username },
    license_active: license.active,
    license_enabled: license.enabled,
    license_type: license.licenseType,
    is_trial: false,
    validity_period: null,
    max_activations: license.maxActivations,
    times_activated: activated,
    device_id: device.id,
    product_details: { short_code: product.code, product_name: product.name ?? product.code },
  };
  return { kind: 'json', body, schema: licenseObjectSchema };
}
