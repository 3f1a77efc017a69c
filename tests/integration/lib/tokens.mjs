// Tokens minted by the npm `jose` library, so that the server is held to a
// JWT implementation it did not write.
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';

export const SECRET = 'integration-test-secret-of-some-length';

// A token for `claims` ({subscribe, publish, sub, ...}); `expiresIn` seconds from now (may be negative).
export function hsToken(claims, { expiresIn = 300, alg = 'HS256', secret = SECRET, issuer, audience, notBefore } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  if (notBefore !== undefined) jwt.setNotBefore(Math.floor(Date.now() / 1000) + notBefore);
  return jwt.sign(new TextEncoder().encode(secret));
}

// {privateKey, publicPem, sign(claims, {expiresIn})} for a public-key algorithm.
export async function keyPair(alg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    publicPem: await exportSPKI(publicKey),
    sign: (claims, { expiresIn = 300 } = {}) => new SignJWT(claims).setProtectedHeader({ alg })
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn).sign(privateKey),
  };
}

// The same claims with the signature of another secret.
export async function badlySigned(claims) {
  return hsToken(claims, { secret: 'not-the-servers-secret' });
}

export function unsignedToken(claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + 300, ...claims })}.`;
}
