// The built-in collectors a vendor can switch on (vendor file `collectors`), and the variables
// each one sets. One table, so that the vendor file's schema, the collectors and docs/VENDOR.md
// cannot disagree. Private collectors (hostname, user name) run only when named explicitly.
export const COLLECTORS = {
  os: { variables: ['varsync.os', 'varsync.os_version'], private: false, about: 'operating system name and version' },
  arch: { variables: ['varsync.arch'], private: false, about: 'CPU architecture (x64, arm64, ...)' },
  cpu: {
    variables: ['varsync.cpu_model', 'varsync.cpu_cores'],
    private: false,
    about: 'CPU model and number of logical cores',
  },
  memory: { variables: ['varsync.memory_total_mb'], private: false, about: 'total memory in MiB' },
  disk: {
    variables: ['varsync.disk_free_gb'],
    private: false,
    about: 'free space of the data folder’s volume in GiB (one decimal)',
  },
  version: { variables: ['varsync.version'], private: false, about: 'the Varsync version' },
  app_version: {
    variables: ['varsync.app_version'],
    private: false,
    about: 'the vendor app’s version (vendor file appVersion)',
  },
  hostname: { variables: ['varsync.hostname'], private: true, about: 'the computer’s name (private: only when named)' },
  username: {
    variables: ['varsync.username'],
    private: true,
    about: 'the user’s login name (private: only when named)',
  },
} as const;

export type CollectorName = keyof typeof COLLECTORS;

/** `standard` switches on every collector that is not private. */
export const STANDARD_COLLECTORS = 'standard';

export const COLLECTOR_CHOICES = [STANDARD_COLLECTORS, ...(Object.keys(COLLECTORS) as CollectorName[])] as const;
export type CollectorChoice = (typeof COLLECTOR_CHOICES)[number];

/** The collectors a vendor file's list switches on: `standard` expands to the non-private ones. */
export function enabledCollectors(choices: readonly CollectorChoice[] | undefined): CollectorName[] {
  const enabled = new Set<CollectorName>();
  for (const choice of choices ?? []) {
    if (choice === STANDARD_COLLECTORS) {
      for (const [name, spec] of Object.entries(COLLECTORS)) if (!spec.private) enabled.add(name as CollectorName);
    } else {
      enabled.add(choice);
    }
  }
  return [...enabled];
}
