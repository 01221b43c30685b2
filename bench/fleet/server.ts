// The License API side of the fleet simulation: the emulator's own request answering (rate
// limiter, authorization, endpoints, state) called in-process on the virtual clock, switched off
// for the outage, counting every answer per second for the report and the charts.
import axios, { AxiosError, AxiosHeaders, type AxiosAdapter } from 'axios';
import {
  answerApiRequest,
  EmulatorState,
  parseSeed,
  RateLimiter,
  type ApiAnswer,
  type ApiContext,
  type EmulatorSeed,
} from '../../emulator/index.js';
import { TokenStore } from '../../emulator/authorization.js';
import type { HttpTransport } from '../../main/core/api/transport.js';
import type { VariableValue } from '../../shared/wire.js';
import type { Random } from '../../soak/random.js';
import type { VirtualClock } from './virtual-clock.js';

export type Caller = 'device' | 'vendor';

/** Answers per second of simulated time, from the start of the run. */
export interface PerSecond {
  accepted: number[];
  refused: number[];
  vendorAccepted: number[];
  vendorRefused: number[];
}

export interface ServerCounts {
  requests: number;
  tracks: number;
  probes: number;
  tokens: number;
  rateLimited: number;
  vendorRequests: number;
  vendorRefused: number;
}

export class FleetServer {
  up = true;
  readonly state: EmulatorState;
  readonly limiter: RateLimiter;
  readonly counts: ServerCounts = {
    requests: 0,
    tracks: 0,
    probes: 0,
    tokens: 0,
    rateLimited: 0,
    vendorRequests: 0,
    vendorRefused: 0,
  };
  readonly perSecond: PerSecond = { accepted: [], refused: [], vendorAccepted: [], vendorRefused: [] };
  /** Called with what a track or activation stored. */
  onStored: (hardwareId: string, variables: Record<string, VariableValue>) => void = () => {};
  private readonly context: ApiContext;

  constructor(
    seed: EmulatorSeed,
    perMinute: number,
    private readonly clock: VirtualClock,
    private readonly startedAt: number,
  ) {
    this.state = new EmulatorState(parseSeed(seed));
    this.limiter = new RateLimiter({ perMinute });
    const limiter = this.limiter;
    this.context = {
      state: this.state,
      tokens: new TokenStore(),
      now: clock.now,
      wellKnown: { apiBaseUrl: () => 'http://license-api.fleet/api/v4', publicKeyPem: 'none' },
      limiter: () => limiter,
      selfCheckFailures: [],
    };
  }

  get selfCheckFailures(): string[] {
    return this.context.selfCheckFailures;
  }

  answer(request: Parameters<typeof answerApiRequest>[1], caller: Caller): ApiAnswer {
    const answer = answerApiRequest(this.context, request);
    const second = Math.floor((this.clock.now() - this.startedAt) / 1000);
    const refused = answer.retryAfterSeconds !== undefined;
    const endpoint = request.url.pathname;
    if (caller === 'vendor') {
      this.counts.vendorRequests++;
      if (refused) this.counts.vendorRefused++;
      bump(refused ? this.perSecond.vendorRefused : this.perSecond.vendorAccepted, second);
      return answer;
    }
    this.counts.requests++;
    if (endpoint.endsWith('/track_device_variables')) this.counts.tracks++;
    else if (endpoint.endsWith('/.well-known')) this.counts.probes++;
    else if (endpoint.endsWith('/token')) this.counts.tokens++;
    if (refused) this.counts.rateLimited++;
    // Only what the company pays for is charted: calls with a credential to the License API.
    if (request.headers.authorization !== undefined && !endpoint.endsWith('/token'))
      bump(refused ? this.perSecond.refused : this.perSecond.accepted, second);
    if (answer.status === 200 && answer.variables && answer.hardwareId)
      this.onStored(answer.hardwareId, answer.variables);
    return answer;
  }

  /** The License API client's transport for one device: every request through `adapter`, no proxy. */
  transport(ip: string, random: Random): HttpTransport {
    const adapter = this.adapter(ip, random);
    return {
      requestOptions: () => ({ adapter }),
      proxyLabel: () => undefined,
      describeProxy: async () => ({ proxy: undefined, label: undefined, source: 'fleet simulator (in-process)' }),
      refusedByProxy: () => false,
      extraCertificates: [],
    };
  }

  /**
   * An axios adapter for one device: the request is answered when it arrives (the limiter counts
   * it then), the answer comes back after a random round trip; while the server is down the
   * connection is refused.
   */
  private adapter(ip: string, random: Random): AxiosAdapter {
    return async (config) => {
      // A refused connection fails at once (and costs the simulation no extra instant).
      if (!this.up) throw new AxiosError('connect ECONNREFUSED', 'ECONNREFUSED', config);
      const roundTripMs = random.between(30, 150);
      const headers = AxiosHeaders.from(config.headers);
      const answer = this.answer(
        {
          method: (config.method ?? 'get').toUpperCase(),
          url: new URL(axios.getUri(config)),
          headers: {
            authorization: headers.get('Authorization')?.toString(),
            date: headers.get('Date')?.toString(),
          },
          body: typeof config.data === 'string' ? config.data : '',
          ip,
        },
        'device',
      );
      await this.clock.sleep(roundTripMs);
      const responseHeaders: Record<string, string> = {
        date: new Date(this.clock.now()).toUTCString(),
        'content-type': answer.contentType ?? 'application/json',
      };
      if (answer.retryAfterSeconds !== undefined) responseHeaders['retry-after'] = String(answer.retryAfterSeconds);
      return {
        data: Buffer.from(answer.body, 'utf8'),
        status: answer.status,
        statusText: '',
        headers: new AxiosHeaders(responseHeaders),
        config,
        request: {},
      };
    };
  }
}

function bump(series: number[], second: number): void {
  while (series.length <= second) series.push(0);
  series[second]!++;
}
