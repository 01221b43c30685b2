// `npm start` on a machine without an Electron binary: one line that says so, then the headless
// daemon with the demo and its status page, whose printed URL works.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { findStatusUrl, tokenOfStatusUrl } from '../../main/web/status-url.js';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import { eventually, tempDir } from '../helpers/agent.js';
import { rawRequest } from '../helpers/http.js';

const electron = findElectronBinary();

it.skipIf(electron.path !== undefined)(
  'falls back to the headless daemon with its status page, in demo mode',
  async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        ...process.env,
        XDG_DATA_HOME: tempDir(),
        XDG_STATE_HOME: tempDir(),
        VARSYNC_PRODUCT: '',
        VARSYNC_CONFIG: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(
        () => output,
        (text) => text.includes('Status page:'),
        40_000,
      );
      const lines = output.split('\n');
      expect(lines.filter((line) => line.startsWith('No Electron here:'))).toHaveLength(1);
      expect(output).toContain('DEMO MODE');
      const url = findStatusUrl(output)!;
      // The token rides in the fragment; the page sends it as a Bearer header.
      expect(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/.test(url)).toBe(true);
      const answer = await rawRequest(`${new URL(url).origin}/api/status`, {
        headers: { Authorization: `Bearer ${tokenOfStatusUrl(url)}` },
      });
      expect(answer.json()).toMatchObject({ demo: true });
      await eventually(
        () => output,
        (text) => /pass drained: 3 sent/.test(text),
        10_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
  },
  60_000,
);
