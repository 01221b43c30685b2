// The agent's log (main/core/log/): the folder per OS, the line format (UTC time and level on
// every line), the level changed while running, redaction of secrets and the raw machine ID in
// every common encoding, rotation and pruning by size and by age (simulated), and a folder that
// cannot be written.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { openLog } from '../../main/core/log/agent-log.js';
import { defaultLogDir, listLogFiles, LOG_FILE_NAME } from '../../main/core/log/files.js';
import { sensitiveValues } from '../../main/core/log/redaction.js';
import { tempDir } from '../helpers/agent.js';
import { commonEncodings, leaks } from '../helpers/zip.js';

const DAY = 24 * 60 * 60 * 1000;
const LINE_START = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn |info |debug) /;

const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

describe('the log folder', () => {
  it("is the OS's place for this user's logs", () => {
    expect(defaultLogDir({ XDG_STATE_HOME: '/var/state' }, 'linux')).toBe(join('/var/state', 'varsync', 'logs'));
    expect(defaultLogDir({}, 'linux')).toBe(join(homedir(), '.local', 'state', 'varsync', 'logs'));
    expect(defaultLogDir({ XDG_STATE_HOME: '/var/state' }, 'darwin')).toBe(
      join(homedir(), 'Library', 'Logs', 'Varsync'),
    );
    expect(defaultLogDir({ LOCALAPPDATA: '/c/Users/ana/AppData/Local' }, 'win32')).toBe(
      join('/c/Users/ana/AppData/Local', 'Varsync', 'logs'),
    );
    expect(defaultLogDir({}, 'win32')).toBe(join(homedir(), 'AppData', 'Local', 'Varsync', 'logs'));
  });
});

describe('log lines', () => {
  it('carry the UTC time and the level on every line, and a child’s prefix on each line of a message', () => {
    const dir = tempDir('varsync-logs-');
    const log = openLog({ dir, level: 'debug', now: () => Date.parse('2025-03-04T05:06:07.089Z') });
    log.logger.info('one');
    log.logger.child('sync 0a1b2c3d').warn('two\nthree');
    log.logger.child('a').child('b').debug('four');
    expect(readLines(join(dir, LOG_FILE_NAME))).toEqual([
      '2025-03-04T05:06:07.089Z info  one',
      '2025-03-04T05:06:07.089Z warn  [sync 0a1b2c3d] two',
      '2025-03-04T05:06:07.089Z warn  [sync 0a1b2c3d] three',
      '2025-03-04T05:06:07.089Z debug [a] [b] four',
    ]);
  });

  it('use the real clock in UTC by default, in the file and on the echo alike', () => {
    const dir = tempDir('varsync-logs-');
    const echoed: string[] = [];
    const before = Date.now();
    const log = openLog({ dir, level: 'info', echo: (line) => echoed.push(line) });
    log.logger.error('something failed: 100% of %s');
    const lines = readLines(join(dir, LOG_FILE_NAME));
    expect(lines).toEqual(echoed);
    expect(lines[0]).toMatch(LINE_START);
    expect(lines[0]).toMatch(/ error something failed: 100% of %s$/);
    expect(Date.parse(lines[0]!.slice(0, 24))).toBeGreaterThanOrEqual(before - 1);
  });

  it('follow the level, which changes while running', () => {
    const dir = tempDir('varsync-logs-');
    const echoed: string[] = [];
    const log = openLog({ dir, level: 'info', echo: (line) => echoed.push(line) });
    log.logger.debug('hidden at info');
    log.logger.info('shown at info');
    log.setLevel('debug');
    expect(log.level).toBe('debug');
    log.logger.child('sync 1').debug('shown at debug, also from a child made before');
    log.setLevel('error');
    log.logger.warn('hidden at error');
    log.logger.error('shown at error');
    const messages = readLines(join(dir, LOG_FILE_NAME)).map((line) => line.replace(LINE_START, ''));
    expect(messages).toEqual([
      'shown at info',
      '[sync 1] shown at debug, also from a child made before',
      'shown at error',
    ]);
    expect(echoed.map((line) => line.replace(LINE_START, ''))).toEqual(messages);
  });
});

describe('redaction', () => {
  const secrets = {
    sharedKey: 'sk_live_7Hq2/Lm+9xR=pZ4wT8vN',
    clientSecret: 'cs-3f9a1c7e?b2d&8e4f=0a6c',
    licenseKey: 'Q7KX-93HF-PL2M-Z8RT',
    password: 'correct horse/battery+staple!',
    machineId: '4c4c4544-0052-3510-8051-b4c04f4e3232',
  };
  const config = resolveConfig([
    objectLayer(
      'flag',
      {
        dataDir: tempDir(),
        product: 'acme',
        licenseKey: secrets.licenseKey,
        password: secrets.password,
        apiKey: 'ak-public',
        sharedKey: secrets.sharedKey,
        clientId: 'acme-desktop',
        clientSecret: secrets.clientSecret,
      },
      'test',
    ),
  ]);

  /** Would any base64 run left in `text`, read at any alignment, spell `secret`? */
  function spelledInBase64(text: string, secret: string): boolean {
    for (const run of text.match(/[A-Za-z0-9+/_-]{6,}/g) ?? []) {
      for (let shift = 0; shift < 4; shift++) {
        const decoded = Buffer.from(run.slice(shift).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
          'latin1',
        );
        if (decoded.includes(secret)) return true;
      }
    }
    return false;
  }

  it('takes every secret and the raw machine ID out of every line, in every common encoding, in the file and on stderr', () => {
    const dir = tempDir('varsync-logs-');
    const echoed: string[] = [];
    const log = openLog({
      dir,
      level: 'debug',
      echo: (line) => echoed.push(line),
      secrets: () => sensitiveValues(config, secrets.machineId),
    });
    // Careless lines, as a future change might write them.
    for (const secret of Object.values(secrets)) {
      for (const [encoding, form] of Object.entries(commonEncodings(secret)))
        log.logger.child('sync 5e6f7a8b').info(`${encoding}: ${form}.`);
      log.logger.debug(`in JSON: ${JSON.stringify({ value: secret })}`);
      for (const prefix of ['', 'x', 'xy'])
        log.logger.warn(`inside a longer base64: ${Buffer.from(`${prefix}${secret}\u0000tail`).toString('base64')}`);
      log.logger.warn(`inside longer hex: 00ff${Buffer.from(secret).toString('hex')}ff00`);
    }
    log.logger.info(`Authorization: Basic ${Buffer.from(`acme-desktop:${secrets.clientSecret}`).toString('base64')}`);
    log.logger.info(`GET /track?license_key=${encodeURIComponent(secrets.licenseKey)}&hardware_id=abc`);
    log.logger.info(`configuration: ${JSON.stringify(config.values)}`);

    const written = readFileSync(join(dir, LOG_FILE_NAME), 'utf8');
    for (const text of [written, echoed.join('\n')]) {
      expect(leaks(text, secrets)).toEqual([]);
      for (const [what, secret] of Object.entries(secrets)) expect(spelledInBase64(text, secret), what).toBe(false);
    }
    // What is not secret stays readable.
    const lines = written.split('\n').filter(Boolean);
    expect(lines.every((line) => LINE_START.test(line))).toBe(true);
    expect(lines.filter((line) => line.includes('[sync 5e6f7a8b] plain: [redacted].'))).toHaveLength(5);
    expect(written).toContain('Authorization: Basic ');
    expect(written).toContain('&hardware_id=abc');
    expect(written).toContain('"clientId":"acme-desktop"');
    expect(written).toContain('"apiKey":"ak-public"');
    expect(echoed.join('\n')).toBe(written.trimEnd());
  });

  it('takes secrets added later out of later lines (the shell learns the configuration after it opened its log)', () => {
    const dir = tempDir('varsync-logs-');
    const log = openLog({ dir, level: 'info' });
    log.addSecrets(sensitiveValues(config));
    log.logger.info(`key ${secrets.licenseKey}`);
    expect(readFileSync(join(dir, LOG_FILE_NAME), 'utf8')).toMatch(/info {2}key \[redacted\]\n$/);
  });
});

describe('rotation', () => {
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const line = (number: number) => `line ${String(number).padStart(5, '0')} ${'x'.repeat(40)}`;

  it('rotates past the size and keeps the newest logs up to the size budget, without a gap', () => {
    const dir = tempDir('varsync-logs-');
    let now = start;
    const retention = { maxFileBytes: 2_000, maxTotalBytes: 10_000, maxAgeMs: 7 * DAY };
    const log = openLog({ dir, level: 'info', retention, now: () => now });
    for (let i = 0; i < 1_000; i++) {
      now += 1_000;
      log.logger.info(line(i));
    }
    const files = listLogFiles(dir);
    expect(files[0]!.name).toBe(LOG_FILE_NAME);
    const rotated = files.slice(1);
    expect(rotated.length).toBeGreaterThan(3);
    for (const file of rotated) {
      expect(file.name).toMatch(/^varsync\.2025-01-01T\d\d-\d\d-\d\d-\d{3}Z\.log$/);
      expect(file.size).toBeLessThanOrEqual(retention.maxFileBytes + 100);
    }
    // Named after the (simulated) time they were rotated, newest first.
    const times = rotated.map((file) => file.rotatedAt!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times.every((time) => time > start && time <= now)).toBe(true);
    // At least the budget is kept (all of it is younger than 7 days); at most the budget, the
    // rotated file that crosses it, and varsync.log growing towards its next rotation.
    const total = files.reduce((sum, file) => sum + file.size, 0);
    expect(total).toBeGreaterThanOrEqual(retention.maxTotalBytes);
    expect(total).toBeLessThanOrEqual(retention.maxTotalBytes + 2 * (retention.maxFileBytes + 100));
    // The kept lines are the last ones written, in order, none missing.
    const numbers = [...files]
      .reverse()
      .flatMap((file) => readLines(file.path))
      .map((text) => Number(/line (\d+)/.exec(text)![1]));
    expect(numbers.at(-1)).toBe(999);
    expect(numbers).toEqual(numbers.map((_, index) => numbers[0]! + index));
  });

  it('deletes rotated files older than 7 days and keeps every younger one while under the size budget', () => {
    const dir = tempDir('varsync-logs-');
    let now = start;
    const log = openLog({
      dir,
      level: 'info',
      retention: { maxFileBytes: 500, maxTotalBytes: 1_000_000, maxAgeMs: 7 * DAY },
      now: () => now,
    });
    for (let day = 0; day < 10; day++) {
      now = start + day * DAY;
      for (let i = 0; i < 10; i++) {
        now += 1_000;
        log.logger.info(line(day * 100 + i));
      }
    }
    const rotatedDays = listLogFiles(dir)
      .slice(1)
      .map((file) => Math.floor((file.rotatedAt! - start) / DAY));
    // Rotations every day; on day 9, those of days 0 and 1 are more than 7 days old.
    expect([...new Set(rotatedDays)].sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('prunes when opened: old rotated files left by an earlier run go, other files stay', () => {
    const dir = tempDir('varsync-logs-');
    const now = start + 30 * DAY;
    const stamp = (at: number) => new Date(at).toISOString().replace(/[:.]/g, '-');
    const old = `varsync.${stamp(now - 8 * DAY)}.log`;
    const young = `varsync.${stamp(now - 6 * DAY)}.log`;
    for (const name of [old, young, 'varsync.1.log', 'notes.txt']) writeFileSync(join(dir, name), 'earlier\n');
    openLog({ dir, level: 'info', now: () => now });
    expect(listLogFiles(dir).map((file) => file.name)).toEqual([LOG_FILE_NAME, young]);
    expect(readFileSync(join(dir, 'varsync.1.log'), 'utf8')).toBe('earlier\n');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('earlier\n');
  });
});

describe('a log folder that cannot be written', () => {
  it('costs the file, not the lines: they go to stderr, after one line that says why', () => {
    const blocker = join(tempDir('varsync-logs-'), 'a-file');
    writeFileSync(blocker, '');
    const stderr: string[] = [];
    const log = openLog({ dir: join(blocker, 'logs'), level: 'info', fallback: (line) => stderr.push(line) });
    log.logger.info('first');
    log.logger.child('sync 9').warn('second');
    log.setLevel('debug');
    log.logger.debug('third');
    expect(log.file).toBeUndefined();
    expect(log.problem).toMatch(/the log folder .*a-file\/logs cannot be written \(ENOTDIR\)/);
    expect(stderr.map((line) => line.replace(LINE_START, ''))).toEqual([
      expect.stringMatching(/^the log folder .* cannot be written \(ENOTDIR\); logging to stderr only$/),
      'first',
      '[sync 9] second',
      'third',
    ]);
  });

  it('that fails while running: said once, and no line is lost', () => {
    const dir = tempDir('varsync-logs-');
    const stderr: string[] = [];
    const log = openLog({ dir, level: 'info', fallback: (line) => stderr.push(line) });
    log.logger.info('to the file');
    rmSync(dir, { recursive: true });
    log.logger.info('after the folder went');
    log.logger.info('and another');
    expect(log.problem).toMatch(/the log file .*varsync\.log cannot be written/);
    expect(stderr.map((line) => line.replace(LINE_START, ''))).toEqual([
      expect.stringMatching(/cannot be written .*; logging to stderr only$/),
      'after the folder went',
      'and another',
    ]);
  });
});
