// `npm run emulator`: a local License API on loopback, seeded with the demo (or a seed file).
import { parseArgs } from 'node:util';
import { DEMO, readSeedFile, startEmulator } from './index.js';

const USAGE = `Usage: npm run emulator -- [--port N] [--host 127.0.0.1|::1] [--seed FILE.json] [--admin] [--tls]

Starts a local License API on loopback. Without --seed it serves the demo product and license.
--admin also serves the admin API under /__admin (state, faults, request log) for tests.
--tls serves HTTPS with a private CA made in a temporary folder; its path is printed, for caFile
(VARSYNC_CA_FILE) or curl --cacert. Needs the openssl command.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        admin: { type: 'boolean', default: false },
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

  let emulator;
  try {
    const seed = values.seed === undefined ? undefined : readSeedFile(values.seed);
    emulator = await startEmulator({
      port,
      host: values.host,
      seed,
      admin: values.admin,
      tls: values.tls || undefined,
    });
  } catch (error) {
    fail((error as Error).message);
  }

  console.log(`License API emulator listening on ${emulator.url}`);
  console.log(`  API base URL:  ${emulator.apiBaseUrl}`);
  console.log(`  OAuth tokens:  ${emulator.tokenUrl}`);
  if (emulator.caFile) console.log(`  CA file:       ${emulator.caFile} (VARSYNC_CA_FILE=${emulator.caFile})`);
  if (values.admin) console.log(`  Admin API:     ${emulator.url}/__admin/state`);
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
