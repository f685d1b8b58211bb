import { createHmac } from 'node:crypto';

export function hmacHex(
	algorithm: 'sha1' | 'sha256',
	secret: string,
	body: Buffer | string,
): string {
	return createHmac(algorithm, secret).update(body).digest('hex');
}

export function basicAuthorization(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
