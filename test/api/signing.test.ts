import { describe, expect, it } from 'vitest';
import { hmacAuthorization, hmacSignature, httpDate, signingString } from '../../main/core/api/signing.js';

describe('HMAC signing (license-api.md)', () => {
  it('matches the documentation test vector', () => {
    expect(hmacSignature('kw4qSnpSwXzgiv5yxYpZZmFEd9QAeiKTQ6OuyMja', 'Tue, 07 Jun 2011 20:51:35 GMT')).toBe(
      'UDysfR6MndUZReo07Y9r+vErn8vSxrnQ5ulit18iJ/Q=',
    );
  });

  it('signs exactly "licenseSpring\\ndate: <Date>" with no CR and no trailing newline', () => {
    expect(signingString('Tue, 07 Jun 2011 20:51:35 GMT')).toBe('licenseSpring\ndate: Tue, 07 Jun 2011 20:51:35 GMT');
  });

  it('builds the Authorization header with the documented parameters', () => {
    const header = hmacAuthorization(
      'my-api-key',
      'kw4qSnpSwXzgiv5yxYpZZmFEd9QAeiKTQ6OuyMja',
      'Tue, 07 Jun 2011 20:51:35 GMT',
    );
    expect(header).toBe(
      'algorithm="hmac-sha256",headers="date",signature="UDysfR6MndUZReo07Y9r+vErn8vSxrnQ5ulit18iJ/Q=",apikey="my-api-key"',
    );
  });

  it('formats Date as RFC 7231 IMF-fixdate in GMT', () => {
    expect(httpDate(Date.UTC(2011, 5, 7, 20, 51, 35))).toBe('Tue, 07 Jun 2011 20:51:35 GMT');
  });
});
