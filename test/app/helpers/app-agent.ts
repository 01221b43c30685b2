// The tray app's agent as main/app starts it (setupAgent, requests through the session's
// transport), configured for an emulator's demo license: the fixture of the app's network tests.
// The test file mocks electron; the session here is the fake's.
import { DEMO } from '../../../emulator/index.js';
import { setupAgent } from '../../../main/app/agent-setup.js';
import { setupNetwork } from '../../../main/app/network.js';
import { objectLayer } from '../../../main/core/config/resolve.js';
import { silentLogger } from '../../../main/core/log.js';
import type { AgentRuntime } from '../../../main/core/runtime.js';
import { tempDir } from '../../helpers/agent.js';
import { session } from './fake-electron.js';

export function startAppAgent(apiUrl: string, env: NodeJS.ProcessEnv = {}): Promise<AgentRuntime> {
  return setupAgent({
    env: {
      VARSYNC_DATA_DIR: tempDir(),
      VARSYNC_API_URL: apiUrl,
      VARSYNC_PRODUCT: DEMO.product,
      VARSYNC_LICENSE_KEY: DEMO.licenseKey,
      VARSYNC_API_KEY: DEMO.apiKey,
      VARSYNC_SHARED_KEY: DEMO.sharedKey,
      ...env,
    },
    userSettings: objectLayer('user-settings', {}, 'settings'),
    logger: () => silentLogger,
    locations: { appDirs: [] },
    network: (config, log) => setupNetwork(config, session.defaultSession as never, log),
  });
}
