// Reading the log back (main/core/log/read.ts) where a daemon cannot easily be made to do it: a
// copy-and-truncate rotation while following (Windows, when varsync.log is held open), a line
// without time and level, the --since forms, and one attempt's lines capped and redacted.
import { appendFileSync, copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followLog, parseSince, readLog, type LogLine } from '../../main/core/log/read.js';
import { eventually, tempDir } from '../helpers/agent.js';

const write = (dir: string, message: string, level = 'info ') =>
  appendFileSync(join(dir, 'varsync.log'), `${new Date().toISOString()} ${level} ${message}\n`);

describe('following the log', () => {
  it('reads on after a copy-and-truncate rotation, each line once', async () => {
    const dir = tempDir('varsync-follow-');
    write(dir, 'before');
    const seen: LogLine[] = [];
    const stop = followLog(dir, { intervalMs: 20, onLine: (line) => seen.push(line) });
    write(dir, 'one');
    await eventually(
      () => seen.length,
      (count) => count === 1,
    );
    write(dir, 'two');
    copyFileSync(join(dir, 'varsync.log'), join(dir, 'varsync.2030-01-01T00-00-00-000Z.log'));
    truncateSync(join(dir, 'varsync.log'), 0);
    write(dir, 'three');
    await eventually(
      () => seen.length,
      (count) => count >= 3,
    );
    stop();
    expect(seen.map((line) => line.message)).toEqual(['one', 'two', 'three']);
  });
});

describe('reading the log', () => {
  it('gives a line without time and level those of the line before, and caps an attempt’s lines, redacted', () => {
    const dir = tempDir('varsync-read-');
    write(dir, '[sync 0a0b0c0d] pass started: 1 pending');
    appendFileSync(join(dir, 'varsync.log'), 'a continuation holding s3cr3t-value\n');
    for (let i = 0; i < 5; i++) write(dir, `[sync 0a0b0c0d] step ${i}`, 'debug');
    write(dir, '[sync ffffffff] another attempt');
    const all = readLog(dir, { attempt: '0a0b0c0d' });
    expect(all.lines.map((line) => line.message)).toEqual([
      '[sync 0a0b0c0d] pass started: 1 pending',
      'a continuation holding s3cr3t-value',
      ...[0, 1, 2, 3, 4].map((i) => `[sync 0a0b0c0d] step ${i}`),
    ]);
    expect(all.lines[1]!.level).toBe('info');
    const capped = readLog(
      dir,
      { attempt: '0a0b0c0d', level: 'info' },
      { limit: 1, redact: (text) => text.replace('s3cr3t-value', '[redacted]') },
    );
    expect(capped).toEqual({
      lines: [expect.objectContaining({ message: 'a continuation holding [redacted]' })],
      truncated: true,
    });
  });

  it('takes --since as a span back or a date and time, and refuses anything else', () => {
    const now = Date.parse('2025-03-04T12:00:00Z');
    expect(parseSince('2h', now)).toBe(Date.parse('2025-03-04T10:00:00Z'));
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('30m', now)).toBe(now - 1_800_000);
    expect(parseSince('1d', now)).toBe(Date.parse('2025-03-03T12:00:00Z'));
    expect(parseSince('2025-03-04T05:00Z', now)).toBe(Date.parse('2025-03-04T05:00Z'));
    expect(() => parseSince('yesterday', now)).toThrow(/not a time span/);
  });
});
