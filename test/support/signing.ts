import { createHmac } from 'node:crypto';

/** The one HMAC signer of the tests and scripts. */
export function hmac(
	algorithm: 'sha1' | 'sha256',
	secret: string,
	bytes: Buffer | string,
	encoding: 'hex' | 'base64',
): string {
	return createHmac(algorithm, secret).update(bytes).digest(encoding);
}

export function basicAuthorization(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
