// Whether the browser specs can run here: a Chrome or Chromium found (bench/lib/find-browser.ts),
// else the spec is skipped and says why, with how to get one.
import { BROWSER } from '../bench/lib/browser.js';

export const chromiumMissing = 'problem' in BROWSER;
if ('problem' in BROWSER) console.log(`skipped: ${BROWSER.problem}`);
