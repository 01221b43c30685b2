// The emulator's live model: products, licenses, devices and their variables, with the License
// API's rules (activation limits, overwrite semantics, blacklists) and admin changes for tests.
import { DOCUMENTED_ERRORS, type DocumentedErrorCode } from '../shared/api-error-codes.js';
import type { VariableValue } from '../shared/wire.js';
import type { ResolvedSeed } from './seed.js';

/** An API error the emulator answers with: a documented code, its status, and a message. */
export class EmulatorError extends Error {
  readonly status: number;
  constructor(
    readonly code: DocumentedErrorCode,
    message?: string,
  ) {
    super(message ?? DOCUMENTED_ERRORS[code].message);
    this.status = DOCUMENTED_ERRORS[code].status;
  }
}

export interface StoredVariable {
  id: number;
  value: VariableValue;
  createdAt: number;
}

export interface Device {
  id: number;
  hardwareId: string;
  active: boolean;
  variables: Map<string, StoredVariable>;
}

export interface License {
  id: number;
  product: string;
  key: string | undefined;
  username: string | undefined;
  password: string | undefined;
  enabled: boolean;
  active: boolean;
  maxActivations: number;
  trialExpired: boolean;
  licenseType: string;
  devices: Map<string, Device>;
}

/** How a request names its license: product plus a key or a username, optionally a license id. */
export interface LicenseQuery {
  product: string;
  licenseKey?: string;
  username?: string;
  licenseId?: number;
}

export type LicenseChange = Partial<Pick<License, 'enabled' | 'active' | 'maxActivations' | 'trialExpired'>>;

export class EmulatorState {
  seed!: ResolvedSeed;
  private licenses: License[] = [];
  /** Blacklisted hardware IDs, per product. */
  private blacklist = new Map<string, Set<string>>();
  private nextId = 1;

  constructor(seed: ResolvedSeed) {
    this.load(seed);
  }

  /** Replace everything with a seed. */
  load(seed: ResolvedSeed): void {
    this.seed = seed;
    this.licenses = [];
    this.blacklist = new Map();
    this.nextId = 1;
    const now = Date.now();
    for (const license of seed.licenses) {
      const devices = new Map<string, Device>();
      for (const device of license.devices) {
        const variables = new Map<string, StoredVariable>();
        for (const [name, value] of Object.entries(device.variables)) {
          variables.set(name, { id: this.nextId++, value, createdAt: now });
        }
        devices.set(device.hardwareId, {
          id: this.nextId++,
          hardwareId: device.hardwareId,
          active: device.active,
          variables,
        });
        if (device.blacklisted) this.setBlacklisted(license.product, device.hardwareId, true);
      }
      this.licenses.push({
        id: license.id ?? this.nextId++,
        product: license.product,
        key: license.key,
        username: license.username,
        password: license.password,
        enabled: license.enabled,
        active: license.active,
        maxActivations: license.maxActivations,
        trialExpired: license.trialExpired,
        licenseType: license.licenseType,
        devices,
      });
    }
  }

  product(code: string): ResolvedSeed['products'][number] {
    const product = this.seed.products.find((candidate) => candidate.code === code);
    if (!product) throw new EmulatorError('unknown_product');
    return product;
  }

  /** Find the license a request names, checking only that it exists. */
  findLicense(query: LicenseQuery): License {
    const product = this.product(query.product);
    if (product.authorization === 'key' ? !query.licenseKey : !query.username) {
      throw new EmulatorError(
        'missing_parameters',
        product.authorization === 'key'
          ? 'license_key is required for this product.'
          : 'username is required for this product.',
      );
    }
    const license = this.licenses.find(
      (candidate) =>
        candidate.product === query.product &&
        (product.authorization === 'key'
          ? candidate.key === query.licenseKey
          : candidate.username === query.username) &&
        (query.licenseId === undefined || candidate.id === query.licenseId),
    );
    if (!license) throw new EmulatorError('license_not_found');
    return license;
  }

  /** The license must be usable: enabled and active. */
  usableLicense(query: LicenseQuery): License {
    const license = this.findLicense(query);
    if (!license.enabled) throw new EmulatorError('license_not_enabled');
    if (!license.active) throw new EmulatorError('license_not_active');
    return license;
  }

  /** The active device with this hardware ID on a usable license. */
  activeDevice(query: LicenseQuery, hardwareId: string): { license: License; device: Device } {
    const license = this.usableLicense(query);
    this.refuseBlacklisted(license.product, hardwareId);
    const device = license.devices.get(hardwareId);
    if (!device?.active) throw new EmulatorError('device_not_found');
    return { license, device };
  }

  activate(
    query: LicenseQuery,
    hardwareId: string,
    password: string | undefined,
  ): { license: License; device: Device } {
    const license = this.usableLicense(query);
    if (license.username !== undefined && license.password !== undefined && license.password !== password) {
      throw new EmulatorError('license_not_found', 'No license for this username and password.');
    }
    if (license.trialExpired) throw new EmulatorError('trial_expired');
    this.refuseBlacklisted(license.product, hardwareId);
    let device = license.devices.get(hardwareId);
    if (device?.active) return { license, device }; // activating again is idempotent
    if (activeDevices(license) >= license.maxActivations) throw new EmulatorError('license_activated_max_times');
    if (!device) {
      device = { id: this.nextId++, hardwareId, active: true, variables: new Map() };
      license.devices.set(hardwareId, device);
    }
    device.active = true;
    return { license, device };
  }

  deactivate(query: LicenseQuery, hardwareId: string): void {
    this.activeDevice(query, hardwareId).device.active = false;
  }

  /** Overwrite semantics: a variable of the same name is replaced; there is no delete. */
  writeVariables(
    device: Device,
    variables: Record<string, VariableValue>,
    now: number,
  ): Array<[string, StoredVariable]> {
    return Object.entries(variables).map(([name, value]) => {
      const stored = { id: this.nextId++, value, createdAt: now };
      device.variables.set(name, stored);
      return [name, stored];
    });
  }

  // ----- admin changes (tests, the admin HTTP API) -----

  changeLicense(query: LicenseQuery, change: LicenseChange): License {
    const license = this.findLicense(query);
    Object.assign(license, change);
    return license;
  }

  setBlacklisted(product: string, hardwareId: string, blacklisted: boolean): void {
    const set = this.blacklist.get(product) ?? new Set<string>();
    if (blacklisted) set.add(hardwareId);
    else set.delete(hardwareId);
    this.blacklist.set(product, set);
  }

  /** The variables the server holds for a device, name -> value (for assertions). */
  variablesOf(product: string, hardwareId: string): Record<string, VariableValue> {
    const result: Record<string, VariableValue> = {};
    for (const license of this.licenses) {
      if (license.product !== product) continue;
      const device = license.devices.get(hardwareId);
      for (const [name, stored] of device?.variables ?? []) result[name] = stored.value;
    }
    return result;
  }

  /** A JSON-friendly picture of the whole state; passwords left out. */
  snapshot(): unknown {
    return {
      products: this.seed.products,
      licenses: this.licenses.map((license) => ({
        id: license.id,
        product: license.product,
        key: license.key,
        username: license.username,
        enabled: license.enabled,
        active: license.active,
        maxActivations: license.maxActivations,
        trialExpired: license.trialExpired,
        devices: [...license.devices.values()].map((device) => ({
          id: device.id,
          hardwareId: device.hardwareId,
          active: device.active,
          blacklisted: this.blacklist.get(license.product)?.has(device.hardwareId) ?? false,
          variables: Object.fromEntries([...device.variables].map(([name, stored]) => [name, stored.value])),
        })),
      })),
      blacklist: Object.fromEntries([...this.blacklist].map(([product, ids]) => [product, [...ids]])),
    };
  }

  private refuseBlacklisted(product: string, hardwareId: string): void {
    if (this.blacklist.get(product)?.has(hardwareId)) throw new EmulatorError('blacklisted');
  }
}

function activeDevices(license: License): number {
  let count = 0;
  for (const device of license.devices.values()) if (device.active) count++;
  return count;
}
