// `caFile` in the tray app. Chromium's network stack trusts the OS store only; with a caFile, the
// app session's certificate verify proc steps in where Chromium found no trusted root
// (ERR_CERT_AUTHORITY_INVALID, and only then): the chain presented is checked against the caFile's
// CAs in full (main/core/api/ca-file-trust.ts) and accepted only if it passes. Every other verdict
// of Chromium's, a success or any other refusal (expired, wrong name, revoked...), stands as it is.
import type { Certificate, Session } from 'electron';
import { verifyChainAgainstCas } from '../core/api/ca-file-trust.js';
import type { Logger } from '../core/log.js';

/** net_error_list.h: CERT_AUTHORITY_INVALID, "the certificate's root is not trusted". */
export const ERR_CERT_AUTHORITY_INVALID = -202;
/** Electron's special verify proc answers: accept, or keep Chromium's own result. */
export const ACCEPT = 0;
export const CHROMIUM_VERDICT = -3;

type VerifyRequest = Parameters<NonNullable<Parameters<Session['setCertificateVerifyProc']>[0]>>[0];

/** Trust `cas` (the caFile's certificates, PEM) in `appSession` in addition to the OS store. */
export function trustCaFileInSession(appSession: Session, cas: string[], log: Logger, now = Date.now): void {
  appSession.setCertificateVerifyProc((request, callback) => callback(decide(request, cas, log, now())));
}

/** The verify proc's answer for one request. */
export function decide(request: VerifyRequest, cas: string[], log: Logger, now: number): number {
  if (request.errorCode !== ERR_CERT_AUTHORITY_INVALID) return CHROMIUM_VERDICT;
  const verdict = verifyChainAgainstCas(presentedChain(request.certificate), request.hostname, cas, now);
  if (verdict.trusted) {
    log.info(`tls: ${request.hostname}'s certificate is trusted through caFile (${verdict.anchor})`);
    return ACCEPT;
  }
  log.warn(`tls: ${request.hostname}'s certificate is not trusted by the system nor caFile: ${verdict.problem}`);
  return CHROMIUM_VERDICT;
}

/** The certificates as the server sent them, its own first (Electron links each to its issuer). */
function presentedChain(certificate: Certificate | undefined): string[] {
  const chain: string[] = [];
  for (let at = certificate; at && chain.length < 10; at = at.issuerCert) {
    if (chain.includes(at.data)) break;
    chain.push(at.data);
  }
  return chain;
}
