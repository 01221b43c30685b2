// The soak's setter process: an application that sets variables through the agent library, the
// way a vendor's app does (no engine here; the daemon sends). Configured from VARSYNC_* like
// `varsync set`. Run with `node --import tsx soak/setter.ts`.
//
// stdin, one JSON line per set: {"id": 7, "name": "color", "value": "blue"}
// stdout: "ready" once the data folder is open, then "ack 7" only after agent.set() returned
// (the transaction is committed with synchronous=FULL), or "refused 7 MESSAGE".
// stdout is a pipe, which Node writes synchronously on Linux: a line the parent received in full
// was written after the set it acknowledges had returned.
import { createInterface } from 'node:readline';
import { Agent } from '../main/core/agent.js';
import { envLayer, resolveConfig } from '../main/core/config/resolve.js';

interface SetCommand {
  id: number;
  name: string;
  value: unknown;
}

const agent = Agent.open({ config: resolveConfig([envLayer(process.env)]) });
process.stdout.write('ready\n');

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const command = JSON.parse(line) as SetCommand;
  try {
    agent.set({ [command.name]: command.value });
    process.stdout.write(`ack ${command.id}\n`);
  } catch (error) {
    process.stdout.write(`refused ${command.id} ${(error as Error).message.replace(/\n/g, ' ')}\n`);
  }
});
input.on('close', () => {
  void agent.close().then(() => process.exit(0));
});
