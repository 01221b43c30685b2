// The fleet scenario: D devices, each a real SyncEngine over a real VariableStore (in-memory
// SQLite) and a real LicenseApiClient whose requests reach the emulator's answering in-process,
// all on one virtual clock. The License API goes away for M minutes while every device sets K
// names; it comes back; the fleet drains while the vendor's own application keeps calling
// check_license at 10% of the plan's rate. Reported: requests, 429s, values lost, drain time
// against the floor no client can beat, and what the vendor's application was refused.
import Database from 'better-sqlite3';
import { LicenseApiClient, type LicenseRef } from '../../main/core/api/client.js';
import { hmacAuthorization, httpDate } from '../../main/core/api/signing.js';
import { silentLogger } from '../../main/core/log.js';
import { migrate } from '../../main/core/store/migrations.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { SyncEngine } from '../../main/core/sync/engine.js';
import { PLAN_REQUESTS_PER_MINUTE, type EmulatorSeed, type PlanName } from '../../emulator/index.js';
import type { VariableValue } from '../../shared/wire.js';
import { seededRandom, type Random } from '../../soak/random.js';
import { POLICIES, type PolicyName } from './policies.js';
import { FleetServer, type PerSecond } from './server.js';
import { VirtualClock } from './virtual-clock.js';

export interface FleetOptions {
  devices: number;
  plan: PlanName;
  outageMinutes: number;
  namesPerDevice: number;
  seed: number;
  policy: PolicyName;
  /** hmac: one API key for the whole fleet; oauth: each device its own Bearer token. */
  auth: 'hmac' | 'oauth';
  /** The vendor's fleet spread; by default devices / 80% of the plan's rate (docs/FLEET.md). */
  spreadSeconds?: number;
  /** The vendor's own application, as a share of the plan's rate (0.1 by default). */
  vendorShare: number;
  /** Give up this long after the API's return. */
  maxDrainSeconds: number;
}

export interface FleetReport {
  devices: number;
  plan: PlanName;
  policy: PolicyName;
  auth: 'hmac' | 'oauth';
  outageMinutes: number;
  namesPerDevice: number;
  spreadSeconds: number;
  /** Every request of the fleet that reached the License API (probes, tokens and tracks). */
  requests: number;
  trackRequests: number;
  probes: number;
  rateLimited: number;
  rateLimitedShare: number;
  /** Values a device acknowledged (set) that the server did not hold at the end. */
  lost: number;
  drainSeconds: number | null;
  minimumDrainSeconds: number;
  drainRatio: number | null;
  /** Most requests with a credential the API accepted in one second (fleet and vendor app). */
  peakPerSecond: number;
  vendorRequests: number;
  vendorRefused: number;
  vendorRefusedShare: number;
  seed: number;
  wallSeconds: number;
  /** Processor time of the run (user and system): what it costs where it has a core to itself. */
  cpuSeconds: number;
  heapMegabytes: number;
}

export interface FleetRun {
  report: FleetReport;
  perSecond: PerSecond;
  /** Values not yet on the server, sampled each second from the start. */
  pending: number[];
  outageStartSecond: number;
  returnSecond: number;
  perMinute: number;
}

const PRODUCT = 'fleet-app';
const LICENSE_KEY = 'FLEET-0000-0000-0000';
const API_KEY = 'fleet-agent-key';
const SHARED_KEY = 'fleet-agent-shared';
const VENDOR_API_KEY = 'fleet-vendor-app-key';
const VENDOR_SHARED_KEY = 'fleet-vendor-app-shared';
const CLIENT_ID = 'fleet-agent-client';
const CLIENT_SECRET = 'fleet-agent-secret';
const BASE_URL = 'http://license-api.fleet';
const BATCH_SIZE = 100;
const WARM_UP_MS = 60_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export const FLEET_SHARE = 0.8;

export function defaultSpreadSeconds(devices: number, plan: PlanName): number {
  return Math.ceil(devices / ((PLAN_REQUESTS_PER_MINUTE[plan] / 60) * FLEET_SHARE));
}

interface Device {
  hardwareId: string;
  db: Database.Database;
  store: VariableStore;
  engine: SyncEngine;
  /** The last value set, per name. */
  latest: Map<string, VariableValue>;
  /** Names whose latest value the server does not hold yet. */
  undelivered: Set<string>;
}

export async function runFleet(options: FleetOptions): Promise<FleetRun> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const random = seededRandom(options.seed);
  const perMinute = PLAN_REQUESTS_PER_MINUTE[options.plan];
  const spreadSeconds = options.spreadSeconds ?? defaultSpreadSeconds(options.devices, options.plan);
  const clock = new VirtualClock(START, 10);
  const server = new FleetServer(fleetSeed(options.devices), perMinute, clock, START);
  const devices = new Map<string, Device>();
  let pending = 0;
  let drainedAt: number | undefined;
  const outageStart = START + WARM_UP_MS;
  const serverBack = outageStart + options.outageMinutes * 60_000;

  server.onStored = (hardwareId, variables) => {
    const device = devices.get(hardwareId)!;
    for (const [name, value] of Object.entries(variables)) {
      if (device.latest.get(name) === value && device.undelivered.delete(name)) pending--;
    }
    if (pending === 0 && clock.now() >= serverBack && drainedAt === undefined) drainedAt = clock.now();
  };

  for (let index = 0; index < options.devices; index++) {
    const device = createDevice(
      index,
      options,
      spreadSeconds,
      clock,
      server,
      seededRandom(options.seed * 7919 + index),
    );
    devices.set(device.hardwareId, device);
    device.engine.start();
  }

  // During the outage each device sets its K names a few times (the last value wins).
  clock.at(outageStart, () => (server.up = false));
  clock.at(serverBack, () => (server.up = true));
  for (const device of devices.values()) {
    const bursts = 1 + Math.floor(random.next() * 3);
    for (let burst = 0; burst < bursts; burst++) {
      const at = outageStart + random.next() * (serverBack - outageStart - 1_000);
      clock.at(at, () => {
        const values: Record<string, VariableValue> = {};
        for (let n = 0; n < options.namesPerDevice; n++) values[`metric_${n}`] = `${burst}-${Math.round(at)}-${n}`;
        device.store.set(values);
        for (const [name, value] of Object.entries(values)) {
          device.latest.set(name, value);
          if (!device.undelivered.has(name)) {
            device.undelivered.add(name);
            pending++;
          }
        }
        device.engine.notifyChange();
      });
    }
  }

  // The vendor's own application: license checks from its customers' machines, at a steady share of the plan's rate.
  const vendorRate = (perMinute / 60) * options.vendorShare;
  const hardwareIds = [...devices.keys()];
  const vendorRandom = seededRandom(options.seed + 1);
  const vendorCall = (): void => {
    if (server.up) {
      const date = httpDate(clock.now());
      const query = new URLSearchParams({
        product: PRODUCT,
        hardware_id: vendorRandom.pick(hardwareIds),
        license_key: LICENSE_KEY,
      });
      server.answer(
        {
          method: 'GET',
          url: new URL(`${BASE_URL}/api/v4/check_license?${query}`),
          headers: { authorization: hmacAuthorization(VENDOR_API_KEY, VENDOR_SHARED_KEY, date), date },
          body: '',
          ip: `172.16.${vendorRandom.int(0, 255)}.${vendorRandom.int(0, 255)}`,
        },
        'vendor',
      );
    }
    if (drainedAt === undefined) clock.at(clock.now() + exponential(vendorRandom, vendorRate), vendorCall);
  };
  if (vendorRate > 0) clock.at(START, vendorCall);

  // Pending values, once a second; and the run itself, in one-minute steps.
  const pendingSeries: number[] = [];
  const sample = (): void => {
    pendingSeries.push(pending);
    if (drainedAt === undefined || clock.now() < drainedAt + 60_000) clock.at(clock.now() + 1_000, sample);
  };
  clock.at(START, sample);
  const deadline = serverBack + options.maxDrainSeconds * 1000;
  let vendorAtReturn = { requests: 0, refused: 0 };
  await clock.runUntil(serverBack);
  vendorAtReturn = { requests: server.counts.vendorRequests, refused: server.counts.vendorRefused };
  const requestsNeeded = [...devices.values()].reduce(
    (sum, device) => sum + Math.ceil(device.undelivered.size / BATCH_SIZE),
    0,
  );
  while (drainedAt === undefined && clock.now() < deadline) await clock.runUntil(clock.now() + 60_000);
  const vendorDuringDrain = {
    requests: server.counts.vendorRequests - vendorAtReturn.requests,
    refused: server.counts.vendorRefused - vendorAtReturn.refused,
  };
  // A minute more, for the charts' tail.
  await clock.runUntil(clock.now() + 60_000);
  for (const device of devices.values()) await device.engine.stop();

  if (server.selfCheckFailures.length > 0) throw new Error(`emulator self-check: ${server.selfCheckFailures[0]}`);
  let lost = 0;
  for (const device of devices.values()) {
    const held = server.state.variablesOf(PRODUCT, device.hardwareId);
    for (const [name, value] of device.latest) if (held[name] !== value) lost++;
    device.db.close();
  }
  const minimumDrainSeconds = requestsNeeded / (perMinute / 60);
  const drainSeconds = drainedAt === undefined ? null : (drainedAt - serverBack) / 1000;
  const counts = server.counts;
  const peakPerSecond = Math.max(
    0,
    ...server.perSecond.accepted.map((accepted, second) => accepted + (server.perSecond.vendorAccepted[second] ?? 0)),
  );
  const report: FleetReport = {
    devices: options.devices,
    plan: options.plan,
    policy: options.policy,
    auth: options.auth,
    outageMinutes: options.outageMinutes,
    namesPerDevice: options.namesPerDevice,
    spreadSeconds,
    requests: counts.requests,
    trackRequests: counts.tracks,
    probes: counts.probes,
    rateLimited: counts.rateLimited,
    rateLimitedShare: share(counts.rateLimited, counts.requests),
    lost,
    drainSeconds,
    minimumDrainSeconds: round(minimumDrainSeconds),
    drainRatio: drainSeconds === null ? null : round(drainSeconds / minimumDrainSeconds),
    peakPerSecond,
    vendorRequests: vendorDuringDrain.requests,
    vendorRefused: vendorDuringDrain.refused,
    vendorRefusedShare: share(vendorDuringDrain.refused, vendorDuringDrain.requests),
    seed: options.seed,
    wallSeconds: round((performance.now() - wallStart) / 1000),
    cpuSeconds: round(cpuSecondsSince(cpuStart)),
    heapMegabytes: Math.round(process.memoryUsage().rss / 1e6),
  };
  return {
    report,
    perSecond: server.perSecond,
    pending: pendingSeries,
    outageStartSecond: WARM_UP_MS / 1000,
    returnSecond: (serverBack - START) / 1000,
    perMinute,
  };
}

function createDevice(
  index: number,
  options: FleetOptions,
  spreadSeconds: number,
  clock: VirtualClock,
  server: FleetServer,
  random: Random,
): Device {
  const hardwareId = `fleet-device-${index}`;
  const db = new Database(':memory:');
  // Each table and index takes at least one page: 512-byte pages instead of 4 KiB save about
  // 46 KiB per device (a fifth of it) and change nothing the engine or the store can observe.
  db.pragma('page_size = 512');
  migrate(db);
  const store = new VariableStore(db, clock.now);
  const client = new LicenseApiClient({
    baseUrl: BASE_URL,
    credentials:
      options.auth === 'hmac'
        ? { type: 'hmac', apiKey: API_KEY, sharedKey: SHARED_KEY }
        : {
            type: 'oauth',
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            tokenUrl: `${BASE_URL}/realms/user-portal/protocol/openid-connect/token`,
          },
    now: clock.now,
    transport: server.transport(`10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`, random),
  });
  const ref: LicenseRef = { product: PRODUCT, hardwareId, licenseKey: LICENSE_KEY };
  const engine = new SyncEngine({
    store,
    client,
    ref,
    activation: { allowed: false },
    batchSize: BATCH_SIZE,
    backoff: { baseMs: 1_000, maxMs: 300_000 },
    intervalMs: 300_000,
    recheckMs: 300_000,
    debounceMs: 200,
    fleetSpreadMs: spreadSeconds * 1000,
    pacing: POLICIES[options.policy],
    log: silentLogger,
    clock,
    random: random.next,
  });
  return { hardwareId, db, store, engine, latest: new Map(), undelivered: new Set() };
}

/** One product, one license, every device of the fleet already activated; the agents' key and the vendor app's. */
function fleetSeed(devices: number): EmulatorSeed {
  return {
    products: [{ code: PRODUCT, name: 'Fleet app' }],
    apiKeys: [
      { apiKey: API_KEY, sharedKey: SHARED_KEY },
      { apiKey: VENDOR_API_KEY, sharedKey: VENDOR_SHARED_KEY },
    ],
    oauthClients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenLifetimeSeconds: 480 }],
    licenses: [
      {
        product: PRODUCT,
        key: LICENSE_KEY,
        maxActivations: devices,
        devices: Array.from({ length: devices }, (_, index) => ({ hardwareId: `fleet-device-${index}` })),
      },
    ],
  };
}

function exponential(random: Random, ratePerSecond: number): number {
  return (-Math.log(1 - random.next()) / ratePerSecond) * 1000;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole, 4);
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
