import { describe, expect, it } from 'vitest';
import { OAuthAuthorizer } from '../../main/core/api/authorization.js';

function fixture(expiresIn = 480) {
  let now = 1_000_000;
  let issued = 0;
  const authorizer = new OAuthAuthorizer(
    async () => {
      issued++;
      return { access_token: `token-${issued}`, expires_in: expiresIn, token_type: 'Bearer' };
    },
    () => now,
  );
  return { authorizer, advance: (ms: number) => (now += ms), issued: () => issued };
}

describe('OAuth token cache', () => {
  it('reuses the token until shortly before it expires, then renews it', async () => {
    const { authorizer, advance, issued } = fixture(480);
    expect(await authorizer.authorization()).toBe('Bearer token-1');
    advance(400_000); // 80 s left: more than the one-minute margin
    expect(await authorizer.authorization()).toBe('Bearer token-1');
    advance(30_000); // 50 s left: inside the margin
    expect(await authorizer.authorization()).toBe('Bearer token-2');
    expect(issued()).toBe(2);
  });

  it('uses a fifth of the lifetime as margin for short-lived tokens', async () => {
    const { authorizer, advance } = fixture(10);
    await authorizer.authorization();
    advance(7_900);
    expect(await authorizer.authorization()).toBe('Bearer token-1');
    advance(200); // 8.1 s of 10: inside the 2 s margin
    expect(await authorizer.authorization()).toBe('Bearer token-2');
  });

  it('shares one fetch between concurrent callers', async () => {
    const { authorizer, issued } = fixture();
    const tokens = await Promise.all([
      authorizer.authorization(),
      authorizer.authorization(),
      authorizer.authorization(),
    ]);
    expect(new Set(tokens)).toEqual(new Set(['Bearer token-1']));
    expect(issued()).toBe(1);
  });

  it('fetches a new token after the server refused the cached one', async () => {
    const { authorizer } = fixture();
    await authorizer.authorization();
    expect(authorizer.discardToken()).toBe(true);
    expect(await authorizer.authorization()).toBe('Bearer token-2');
  });
});
