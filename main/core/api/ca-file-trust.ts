// Does a certificate chain, as a server presented it, lead to one of the `caFile` CAs? The tray
// app asks this when Chromium's own verification found no trusted root (main/app/certificate-trust.ts):
// Chromium's network stack knows only the OS trust store, and `caFile` must work there too. Every
// other check a browser makes is made here as well, so that trusting a CA never means trusting
// less: each signature up to the CA, each certificate's dates, CA certificates as issuers, the
// leaf's name and its server-authentication purpose.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_CHAIN = 10;

export type ChainVerdict = { trusted: true; anchor: string } | { trusted: false; problem: string };

/**
 * `presented`: PEM certificates, the server's first, then what it sent to help build the chain.
 * `cas`: the caFile's certificates (PEM). `hostname`: the name or address that was asked for.
 */
export function verifyChainAgainstCas(presented: string[], hostname: string, cas: string[], now: number): ChainVerdict {
  let chain: X509Certificate[];
  let anchors: X509Certificate[];
  try {
    chain = presented.map((pem) => new X509Certificate(pem));
    anchors = cas.map((pem) => new X509Certificate(pem));
  } catch (error) {
    return { trusted: false, problem: `a certificate cannot be read (${(error as Error).message})` };
  }
  const leaf = chain[0];
  if (!leaf) return { trusted: false, problem: 'the server presented no certificate' };
  const host = hostname.replace(/^\[|\]$/g, '');
  if ((isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host)) === undefined)
    return { trusted: false, problem: `the certificate is not for ${host}` };
  const purposes = leaf.keyUsage;
  if (purposes && purposes.length > 0 && !purposes.includes(SERVER_AUTH) && !purposes.includes(ANY_EXTENDED_KEY_USAGE))
    return { trusted: false, problem: 'the certificate is not for server authentication' };

  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const dates = datesProblem(current, now);
    if (dates) return { trusted: false, problem: dates };
    // The certificate itself is in caFile (a self-signed server certificate trusted on purpose).
    if (anchors.some((anchor) => anchor.fingerprint256 === current.fingerprint256))
      return { trusted: true, anchor: nameOf(current) };
    const anchor = anchors.find((candidate) => issues(candidate, current));
    if (anchor) {
      const anchorDates = datesProblem(anchor, now);
      return anchorDates ? { trusted: false, problem: anchorDates } : { trusted: true, anchor: nameOf(anchor) };
    }
    const issuer = chain.find((candidate) => candidate !== current && issues(candidate, current));
    if (!issuer) break;
    current = issuer;
  }
  return { trusted: false, problem: 'the chain does not lead to a caFile certificate' };
}

/** `issuer` is a CA whose key signed `certificate`. */
function issues(issuer: X509Certificate, certificate: X509Certificate): boolean {
  return issuer.ca && certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

function datesProblem(certificate: X509Certificate, now: number): string | undefined {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  if (!(now >= from)) return `${nameOf(certificate)} is not valid before ${certificate.validFrom}`;
  if (!(now <= to)) return `${nameOf(certificate)} expired on ${certificate.validTo}`;
  return undefined;
}

/** "CN=Example CA, O=Example" (Node gives one field per line). */
function nameOf(certificate: X509Certificate): string {
  return certificate.subject.replace(/\n/g, ', ');
}
