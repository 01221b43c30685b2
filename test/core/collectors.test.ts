// Collectors: the built-in variables a vendor switches on in the vendor file, each under its
// documented name, from Node's os and fs modules; refreshed at start and daily; a changed value
// is queued once, an unchanged one never; hostname and user name only when named.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { COLLECTORS, enabledCollectors } from '../../main/core/collectors/catalog.js';
import { COLLECT_INTERVAL_MS, startCollectors } from '../../main/core/collectors/collectors.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import {
  collectFacts,
  defaultSystemSources,
  parseOsRelease,
  VARSYNC_VERSION,
  type SystemSources,
} from '../../main/core/collectors/system-facts.js';
import { loadConfig, VENDOR_FILE_NAME } from '../../main/core/config/load.js';
import type { Logger } from '../../main/core/log.js';
import { FAST_TIMINGS, tempDir } from '../helpers/agent.js';

const GIB = 1024 ** 3;

function fakeMachine(overrides: Partial<SystemSources> = {}): SystemSources & { memory: number } {
  const machine: SystemSources & { memory: number } = {
    memory: 16 * GIB,
    platform: () => 'linux',
    release: () => '6.1.0-18-amd64',
    version: () => '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1',
    arch: () => 'x64',
    cpus: () => Array.from({ length: 8 }, () => ({ model: '  Intel(R) Core(TM)   i7-1185G7 @ 3.00GHz ' })),
    totalmem: () => machine.memory,
    hostname: () => 'WS-0042',
    username: () => 'alice',
    freeBytes: () => 123.456 * GIB,
    readText: (path: string) => {
      if (path === '/etc/os-release')
        return 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n';
      throw Object.assign(new Error('absent'), { code: 'ENOENT' });
    },
    ...overrides,
  };
  return machine;
}

const context = (sources: SystemSources, appVersion?: string) => ({
  sources,
  dataDir: '/data',
  varsyncVersion: '9.9.9',
  appVersion,
});

describe('names and values', () => {
  it('every collector, with its documented names', () => {
    const all = enabledCollectors([
      'os',
      'arch',
      'cpu',
      'memory',
      'disk',
      'version',
      'app_version',
      'hostname',
      'username',
    ]);
    expect(collectFacts(all, context(fakeMachine(), '4.2.0'))).toEqual({
      values: {
        'varsync.os': 'Debian GNU/Linux',
        'varsync.os_version': '12',
        'varsync.arch': 'x64',
        'varsync.cpu_model': 'Intel(R) Core(TM) i7-1185G7 @ 3.00GHz',
        'varsync.cpu_cores': 8,
        'varsync.memory_total_mb': 16384,
        'varsync.disk_free_gb': 123.5,
        'varsync.version': '9.9.9',
        'varsync.app_version': '4.2.0',
        'varsync.hostname': 'WS-0042',
        'varsync.username': 'alice',
      },
      problems: [],
    });
    const documented = Object.values(COLLECTORS).flatMap((collector) => collector.variables);
    expect(documented.sort()).toEqual(Object.keys(collectFacts(all, context(fakeMachine(), '4.2.0')).values).sort());
  });

  it('the operating system on Windows, macOS and Linux without os-release', () => {
    const windows = fakeMachine({
      platform: () => 'win32',
      version: () => 'Windows 11 Pro',
      release: () => '10.0.22631',
    });
    expect(collectFacts(['os'], context(windows)).values).toEqual({
      'varsync.os': 'Windows 11 Pro',
      'varsync.os_version': '10.0.22631',
    });
    const plist =
      '<dict>\n\t<key>ProductName</key>\n\t<string>macOS</string>\n\t<key>ProductVersion</key>\n\t<string>14.4.1</string>\n</dict>';
    const mac = fakeMachine({
      platform: () => 'darwin',
      release: () => '23.4.0',
      readText: (path) => (path === '/System/Library/CoreServices/SystemVersion.plist' ? plist : ''),
    });
    expect(collectFacts(['os'], context(mac)).values).toEqual({
      'varsync.os': 'macOS',
      'varsync.os_version': '14.4.1',
    });
    const bare = fakeMachine({
      readText: () => {
        throw new Error('ENOENT');
      },
    });
    expect(collectFacts(['os'], context(bare)).values).toEqual({
      'varsync.os': 'Linux',
      'varsync.os_version': '6.1.0-18-amd64',
    });
    expect(parseOsRelease("NAME=Fedora\nVERSION_ID=40\n# comment\nID='fedora'")).toEqual({
      NAME: 'Fedora',
      VERSION_ID: '40',
      ID: 'fedora',
    });
  });

  it('private ones stay off unless named; "standard" is everything else', () => {
    expect(enabledCollectors(['standard'])).toEqual(['os', 'arch', 'cpu', 'memory', 'disk', 'version', 'app_version']);
    expect(enabledCollectors(undefined)).toEqual([]);
    expect(enabledCollectors(['standard', 'hostname'])).toContain('hostname');
    const values = collectFacts(enabledCollectors(['standard']), context(fakeMachine(), '1.0')).values;
    expect(Object.keys(values)).not.toContain('varsync.hostname');
    expect(Object.keys(values)).not.toContain('varsync.username');
    expect(Object.values(values)).not.toContain('WS-0042');
    expect(Object.values(values)).not.toContain('alice');
  });

  it('a fact that cannot be read is left out and named; the others still come', () => {
    const broken = fakeMachine({
      freeBytes: () => {
        throw new Error('ENOENT: no such file or directory, statfs');
      },
    });
    expect(collectFacts(['disk', 'memory'], context(broken))).toEqual({
      values: { 'varsync.memory_total_mb': 16384 },
      problems: ['disk: ENOENT: no such file or directory, statfs'],
    });
    expect(collectFacts(['app_version'], context(fakeMachine())).values).toEqual({}); // no appVersion in the vendor file
  });

  it('read this machine through Node alone', () => {
    const values = collectFacts(enabledCollectors(['standard']), {
      sources: defaultSystemSources(),
      dataDir: tempDir(),
      varsyncVersion: VARSYNC_VERSION,
      appVersion: undefined,
    }).values;
    expect(values).toMatchObject({ 'varsync.version': VARSYNC_VERSION, 'varsync.arch': process.arch });
    expect(values['varsync.cpu_cores']).toBeGreaterThan(0);
    expect(values['varsync.memory_total_mb']).toBeGreaterThan(0);
    expect(values['varsync.disk_free_gb']).toBeGreaterThanOrEqual(0);
    expect(VARSYNC_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('running in the agent', () => {
  let emulator: Emulator;
  let agent: Agent | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  function configured(vendor: Record<string, unknown>) {
    const root = tempDir('varsync-collectors-');
    const appDir = join(root, 'app');
    mkdirSync(appDir);
    writeFileSync(
      join(appDir, VENDOR_FILE_NAME),
      JSON.stringify({
        apiUrl: emulator.url,
        product: DEMO.product,
        licenseKey: DEMO.licenseKey,
        apiKey: DEMO.apiKey,
        sharedKey: DEMO.sharedKey,
        ...vendor,
      }),
    );
    const env = {
      VARSYNC_DATA_DIR: join(root, 'data'),
      VARSYNC_HARDWARE_ID: `collectors-${Math.random()}`,
      VARSYNC_RETRY_BASE_MS: String(FAST_TIMINGS.retryBaseMs),
      VARSYNC_RETRY_MAX_MS: String(FAST_TIMINGS.retryMaxMs),
    };
    return loadConfig({ env, locations: { appDirs: [appDir] } });
  }

  function manualTimers() {
    const timers = { callback: undefined as (() => void) | undefined, ms: 0, cleared: false };
    const api: Clock = {
      ...systemClock,
      setInterval: (callback, ms) => {
        timers.callback = callback;
        timers.ms = ms;
        return 'handle';
      },
      clearInterval: (handle) => {
        timers.cleared = handle === 'handle';
      },
    };
    return { timers, api };
  }

  it('at start and daily: a changed value is queued once, an unchanged one never', async () => {
    const config = configured({ collectors: ['memory', 'cpu', 'version'] });
    agent = Agent.open({ config });
    const machine = fakeMachine();
    const { timers, api } = manualTimers();
    const running = startCollectors({ agent, config, sources: machine, clock: api });
    expect(timers.ms).toBe(COLLECT_INTERVAL_MS);
    expect(agent.store.pending(10).map((entry) => [entry.name, entry.value])).toEqual([
      ['varsync.memory_total_mb', 16384],
      ['varsync.cpu_model', 'Intel(R) Core(TM) i7-1185G7 @ 3.00GHz'],
      ['varsync.cpu_cores', 8],
      ['varsync.version', VARSYNC_VERSION],
    ]);
    expect((await agent.syncNow()).outcome).toBe('drained');
    expect(emulator.state.variablesOf(DEMO.product, agent.hardwareId!.id)).toMatchObject({
      'varsync.memory_total_mb': 16384,
      'varsync.cpu_cores': 8,
    });

    timers.callback!(); // a day later, nothing changed
    expect(agent.store.pendingCount()).toBe(0);

    machine.memory = 32 * GIB; // memory was added
    timers.callback!();
    expect(agent.store.pending(10).map((entry) => [entry.name, entry.value])).toEqual([
      ['varsync.memory_total_mb', 32768],
    ]);
    const seq = agent.store.pending(10)[0]!.seq;
    expect(running.refresh()).toEqual([]); // pending with the same value: not queued again
    expect(agent.store.pending(10)[0]!.seq).toBe(seq);
    await agent.syncNow();
    expect(running.refresh()).toEqual([]);
    expect(agent.store.pendingCount()).toBe(0);

    running.stop();
    expect(timers.cleared).toBe(true);
  });

  it('a restart with the same facts queues nothing (the confirmed values are on disk)', async () => {
    const config = configured({ collectors: ['standard'], appVersion: '3.1.0' });
    agent = Agent.open({ config });
    startCollectors({ agent, config, sources: fakeMachine(), clock: manualTimers().api }).stop();
    expect(agent.store.pending(20).map((entry) => entry.name)).toContain('varsync.app_version');
    await agent.syncNow();
    await agent.close();
    agent = Agent.open({ config });
    expect(startCollectors({ agent, config, sources: fakeMachine(), clock: manualTimers().api }).refresh()).toEqual([]);
    expect(agent.store.pendingCount()).toBe(0);
  });

  it('hostname and user name only when named; nothing runs when no collector is on', () => {
    const standard = configured({ collectors: ['standard'] });
    agent = Agent.open({ config: standard });
    startCollectors({ agent, config: standard, sources: fakeMachine(), clock: manualTimers().api });
    const names = agent.store.pending(20).map((entry) => entry.name);
    expect(names).not.toContain('varsync.hostname');
    expect(names).not.toContain('varsync.username');

    const named = configured({ collectors: ['hostname', 'username'] });
    const other = Agent.open({ config: named });
    try {
      startCollectors({ agent: other, config: named, sources: fakeMachine(), clock: manualTimers().api });
      expect(other.store.pending(20).map((entry) => [entry.name, entry.value])).toEqual([
        ['varsync.hostname', 'WS-0042'],
        ['varsync.username', 'alice'],
      ]);
    } finally {
      void other.close();
    }

    const none = configured({});
    const { timers, api } = manualTimers();
    const quiet = Agent.open({ config: none });
    try {
      startCollectors({ agent: quiet, config: none, sources: fakeMachine(), clock: api });
      expect(timers.callback).toBeUndefined();
      expect(quiet.store.pendingCount()).toBe(0);
    } finally {
      void quiet.close();
    }
  });

  it('a failing fact is logged as a warning and does not stop the others', () => {
    const config = configured({ collectors: ['disk', 'arch'] });
    agent = Agent.open({ config });
    const lines: string[] = [];
    const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
    const log: Logger = {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: () => log,
    };
    startCollectors({
      agent,
      config,
      log,
      sources: fakeMachine({
        freeBytes: () => {
          throw new Error('statfs failed');
        },
      }),
      clock: manualTimers().api,
    });
    expect(agent.store.pending(5).map((entry) => entry.name)).toEqual(['varsync.arch']);
    expect(lines).toContain('warn collector disk: statfs failed');
  });
});
