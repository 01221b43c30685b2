// The `caFile` setting: PEM CA certificates trusted in addition to the system's. Read when the
// configuration is resolved, so that a file that cannot be used stops start-up in one line that
// says where it was set, before anything is opened; and again by the transport that trusts it.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { failureCode } from '../failure-code.js';

/** The certificates of a `caFile`, or one line naming the file, the problem and what to do. */
export function loadCaFile(path: string): { certificates: string[] } | { problem: string } {
  const absolute = resolvePath(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    return {
      problem: `caFile ${absolute}: cannot be read (${failureCode(error) ?? 'error'}); check the path and its permissions.`,
    };
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0)
    return { problem: `caFile ${absolute}: holds no PEM certificate (-----BEGIN CERTIFICATE-----).` };
  return { certificates };
}
