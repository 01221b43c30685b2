// A small fleet in npm test: 200 real sync engines through a 5-minute outage and the drain, on the
// virtual clock. It checks what the report counts (nothing lost, every device's request answered,
// the 429s the server counted are the ones charted), never how long anything took.
import { describe, expect, it } from 'vitest';
import { runFleet, type FleetOptions } from '../../bench/fleet/fleet.js';
import { fleetChart } from '../../bench/fleet/chart.js';

const SMALL: FleetOptions = {
  devices: 200,
  plan: 'free',
  outageMinutes: 5,
  namesPerDevice: 20,
  seed: 3,
  policy: 'good',
  auth: 'hmac',
  vendorShare: 0.1,
  maxDrainSeconds: 3_600,
};

// Minutes of virtual time per run: seconds of CPU, much more on a loaded machine.
const TIMEOUT_MS = 600_000;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('fleet simulator', () => {
  it(
    'drains 200 devices after a 5-minute outage with nothing lost, and counts what it reports',
    async () => {
      const run = await runFleet(SMALL);
      const { report } = run;
      expect(report).toMatchObject({ devices: 200, plan: 'free', lost: 0, seed: 3, rateLimited: 0 });
      // 20 names fit one request: one track per device, after one probe that found the API back.
      expect(report.trackRequests).toBe(200);
      expect(report.probes).toBeGreaterThanOrEqual(200);
      expect(report.requests).toBe(report.trackRequests + report.probes);
      expect(report.minimumDrainSeconds).toBeCloseTo(200 / 30, 1);
      expect(report.drainSeconds).not.toBeNull();
      expect(report.vendorRequests).toBeGreaterThan(0);
      expect(sum(run.perSecond.accepted)).toBe(report.trackRequests);
      expect(run.pending[run.returnSecond - 1]).toBe(200 * 20);
      expect(run.pending.at(-1)).toBe(0);
      const svg = fleetChart(run, 'test');
      expect(svg).toMatch(/^<svg[\s\S]*plan limit 30\/s[\s\S]*<\/svg>\n$/);
    },
    TIMEOUT_MS,
  );

  it(
    'loses nothing under the old policy either, and the 429s it reports are the ones the server answered',
    async () => {
      const run = await runFleet({
        ...SMALL,
        devices: 300,
        plan: 'free',
        policy: 'old',
        spreadSeconds: 0,
        vendorShare: 0,
      });
      const { report } = run;
      expect(report.lost).toBe(0);
      expect(sum(run.perSecond.refused)).toBe(report.rateLimited);
      expect(sum(run.perSecond.accepted)).toBe(report.trackRequests - report.rateLimited);
      expect(report.vendorRequests).toBe(0);
    },
    TIMEOUT_MS,
  );
});
