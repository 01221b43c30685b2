// `npm run emulator`: a local License API on loopback, seeded with the demo (or a seed file).
import { parseArgs } from 'node:util';
import { DEMO, parseRateLimit, readSeedFile, startEmulator } from './index.js';

const USAGE = `Usage: npm run emulator -- [--port N] [--host 127.0.0.1|::1] [--seed FILE.json] [--admin] [--tls]
                        [--rate-limit free|starter|plus|enterprise|N] [--rate-limit-status 429|503]

Starts a local License API on loopback. Without --seed it serves the demo product and license.
--admin also serves the admin API under /__admin (state, faults, request log) for tests.
--tls serves HTTPS with a private CA made in a temporary folder; its path is printed, for caFile
(VARSYNC_CA_FILE) or curl --cacert. Needs the openssl command.
--rate-limit enforces LicenseSpring's limits: the plan's requests per rolling 60 s for the company
(free 1800, starter 3600, plus 4500, enterprise 18000, or N), 200 per 10 s per client IP and 50 per
second per Authorization value; a refusal is 429 (or --rate-limit-status 503) with Retry-After.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        admin: { type: 'boolean', default: false },
        'rate-limit': { type: 'string' },
        'rate-limit-status': { type: 'string' },
        tls: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}. Run with --help for the options.`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a port number (0-65535), got "${values.port}".`);

  const status = values['rate-limit-status'] ?? '429';
  if (status !== '429' && status !== '503') fail(`--rate-limit-status must be 429 or 503, got "${status}".`);

  let emulator;
  try {
    const seed = values.seed === undefined ? undefined : readSeedFile(values.seed);
    const perMinute = values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit']);
    const rateLimit = perMinute === undefined ? undefined : { perMinute, status: Number(status) as 429 | 503 };
    emulator = await startEmulator({
      port,
      host: values.host,
      seed,
      admin: values.admin,
      tls: values.tls || undefined,
      rateLimit,
    });
  } catch (error) {
    fail((error as Error).message);
  }

  console.log(`License API emulator listening on ${emulator.url}`);
  console.log(`  API base URL:  ${emulator.apiBaseUrl}`);
  console.log(`  OAuth tokens:  ${emulator.tokenUrl}`);
  if (emulator.caFile) console.log(`  CA file:       ${emulator.caFile} (VARSYNC_CA_FILE=${emulator.caFile})`);
  if (values.admin) console.log(`  Admin API:     ${emulator.url}/__admin/state`);
  if (emulator.rateLimiter)
    console.log(
      `  Rate limit:    ${emulator.rateLimiter.perMinute} requests per 60 s (answers ${emulator.rateLimiter.status})`,
    );
  if (values.seed === undefined) {
    console.log('Demo credentials (public, for local use only):');
    console.log(`  product        ${DEMO.product}`);
    console.log(`  license key    ${DEMO.licenseKey}`);
    console.log(`  api key        ${DEMO.apiKey}`);
    console.log(`  shared key     ${DEMO.sharedKey}`);
    console.log(`  user product   ${DEMO.userProduct} (username ${DEMO.username}, password ${DEMO.password})`);
    console.log(`  oauth client   ${DEMO.clientId} / ${DEMO.clientSecret}`);
  }
  console.log('Press Ctrl+C to stop.');

  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(message: string): never {
  console.error(`emulator: ${message}`);
  process.exit(2);
}

await main();
