// What the client sends: the License API's base URL, the fields that name the license and the
// device, an activation's device facts, and which values are secrets that must never come back in
// a message.
import type { VariablesObject } from '../../../shared/wire.js';
import type { ApiCredentials } from './authorization.js';

/** Which license and device a call is about. Key-based products use `licenseKey`, user-based `username`. */
export interface LicenseRef {
  product: string;
  hardwareId: string;
  licenseKey?: string;
  username?: string;
  licenseId?: number;
  bundleCode?: string;
}

/** Optional facts about the device sent with an activation. */
export interface DeviceFacts {
  osVer?: string;
  hostname?: string;
  ip?: string;
  macAddress?: string;
  isVm?: boolean;
  vmInfo?: string;
  appVer?: string;
  sdkVer?: string;
}

export interface ActivationRequest {
  /** Required for user-based products. */
  password?: string;
  /** Variables to set on the device as part of the activation. */
  variables?: VariablesObject;
  device?: DeviceFacts;
}

export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`The License API URL "${baseUrl}" is not a URL; use one like https://api.licensespring.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`The License API URL must start with https:// (got ${url.protocol}).`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/api/v4') ? path : `${path}/api/v4`;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

export function identification(ref: LicenseRef): Record<string, string | number | undefined> {
  return {
    product: ref.product,
    hardware_id: ref.hardwareId,
    license_key: ref.licenseKey,
    username: ref.username,
    license_id: ref.licenseId,
    bundle_code: ref.bundleCode,
  };
}

/** The body of activate_license: the identification, the password, variables and device facts. */
export function activationBody(ref: LicenseRef, request: ActivationRequest): Record<string, unknown> {
  const device = request.device ?? {};
  return {
    ...identification(ref),
    password: request.password,
    variables: request.variables,
    os_ver: device.osVer,
    hostname: device.hostname,
    ip: device.ip,
    mac_address: device.macAddress,
    is_vm: device.isVm,
    vm_info: device.vmInfo,
    app_ver: device.appVer,
    sdk_ver: device.sdkVer,
  };
}

export function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function secretsOfRef(ref: LicenseRef, password?: string): string[] {
  return [ref.licenseKey, password].filter((secret): secret is string => !!secret);
}

export function secretsOf(credentials: ApiCredentials): string[] {
  return credentials.type === 'hmac' ? [credentials.sharedKey] : [credentials.clientSecret];
}
