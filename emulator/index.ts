// The emulator's programmatic API, for tests, benchmarks, the demo and vendors' own integration tests.
export {
  startEmulator,
  demoAgentSettings,
  API_PREFIX,
  TOKEN_PATH,
  type Emulator,
  type EmulatorOptions,
  type RequestLogEntry,
} from './server.js';
export { DEMO, demoSeed, parseSeed, readSeedFile, type EmulatorSeed } from './seed.js';
export { FaultPlan, type FaultInput, type FaultSettings } from './faults.js';
export { EmulatorState, EmulatorError } from './state.js';
export { answerApiRequest, type ApiAnswer, type ApiContext, type ApiRequest } from './api.js';
export {
  RateLimiter,
  parseRateLimit,
  PLAN_NAMES,
  PLAN_REQUESTS_PER_MINUTE,
  PER_AUTHORIZATION,
  PER_IP,
  type PlanName,
  type RateLimitOptions,
} from './rate-limit.js';
export {
  createCertificateAuthority,
  createServerCertificate,
  type CertificateAuthority,
  type ServerCertificate,
  type ServerCertificateOptions,
} from './certificates.js';
