import { generateKeyPairSync, sign } from 'node:crypto';

import {
	authenticateDelivery,
	constantTimeEqual,
	type HmacSignatureScheme,
} from '../lib/deliveryAuthentication';
import { hmac } from './support/signing';

const body = Buffer.from('{"event":"message.received","data":{"text":"Olá"}}');
const NOW = Date.parse('2026-04-19T14:30:00Z');
const secret = 'whsec_test';

const timestampedScheme: HmacSignatureScheme = {
	header: 'x-timely-signature',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: 'sha256=',
	timestampHeader: 'x-timely-timestamp',
};

const sha256Hex = (payload: string | Buffer) => hmac('sha256', secret, payload, 'hex');

describe('HMAC signatures', () => {
	const check = (headers: Record<string, string>, toleranceSeconds?: number) =>
		authenticateDelivery(
			{ rawBody: body, headers },
			{ kind: 'hmacSignature', scheme: timestampedScheme, secret, toleranceSeconds },
			NOW,
		);

	it('accepts a signature over the body alone, with or without the prefix', () => {
		expect(check({ 'x-timely-signature': `sha256=${sha256Hex(body)}` })).toEqual({ ok: true });
		expect(check({ 'x-timely-signature': sha256Hex(body) })).toEqual({ ok: true });
	});

	it('refuses the right signature followed by characters outside its encoding', () => {
		for (const suffix of ['zz', '0', ' x', '==']) {
			expect(check({ 'x-timely-signature': `sha256=${sha256Hex(body)}${suffix}` })).toEqual({
				ok: false,
				reason: 'x-timely-signature is not hex',
			});
		}
	});

	it('accepts a signature over `timestamp.body` when the timestamp is fresh', () => {
		const timestamp = String(NOW / 1000 - 60);
		const signature = sha256Hex(Buffer.concat([Buffer.from(`${timestamp}.`), body]));
		expect(
			check({ 'x-timely-signature': `sha256=${signature}`, 'x-timely-timestamp': timestamp }),
		).toEqual({ ok: true });
	});

	it('refuses a replay whose timestamp is outside the tolerance, even with a valid signature', () => {
		const timestamp = String(NOW / 1000 - 301);
		const signature = sha256Hex(Buffer.concat([Buffer.from(`${timestamp}.`), body]));
		const result = check({ 'x-timely-signature': signature, 'x-timely-timestamp': timestamp });
		expect(result).toEqual({
			ok: false,
			reason: 'x-timely-timestamp is outside the accepted time window',
		});
	});

	it('honours a configured tolerance and understands milliseconds and ISO dates', () => {
		const millis = String(NOW - 20 * 60 * 1000);
		const iso = new Date(NOW + 20 * 60 * 1000).toISOString();
		for (const timestamp of [millis, iso]) {
			const signature = sha256Hex(Buffer.concat([Buffer.from(`${timestamp}.`), body]));
			const headers = { 'x-timely-signature': signature, 'x-timely-timestamp': timestamp };
			expect(check(headers).ok).toBe(false);
			expect(check(headers, 30 * 60).ok).toBe(true);
		}
	});

	it('refuses a timestamp that is not a time', () => {
		const result = check({
			'x-timely-signature': sha256Hex(body),
			'x-timely-timestamp': 'yesterday',
		});
		expect(result.ok).toBe(false);
	});

	it.each([
		['a signature of another body', sha256Hex('{}')],
		['a truncated signature', sha256Hex(body).slice(0, 40)],
		['a signature that is not hex', 'z'.repeat(64)],
		['an empty prefix', 'sha256='],
	])('refuses %s', (_case, signature) => {
		expect(check({ 'x-timely-signature': signature }).ok).toBe(false);
	});

	it('names the missing header without echoing anything of the request', () => {
		expect(check({})).toEqual({ ok: false, reason: 'missing x-timely-signature header' });
	});
});

describe('Ed25519 signatures', () => {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const other = generateKeyPairSync('ed25519');
	const authentication = {
		kind: 'ed25519Signature' as const,
		header: 'x-partoo-signature-v1',
		publicKey,
	};

	it('accepts a base64 signature of the raw body made with the matching private key', () => {
		const signature = sign(null, body, privateKey).toString('base64');
		expect(
			authenticateDelivery(
				{ rawBody: body, headers: { 'x-partoo-signature-v1': signature } },
				authentication,
			),
		).toEqual({ ok: true });
	});

	it('refuses a signature by another key, over another body, or garbage', () => {
		const byOtherKey = sign(null, body, other.privateKey).toString('base64');
		const otherBody = sign(null, Buffer.from('{}'), privateKey).toString('base64');
		for (const signature of [byOtherKey, otherBody, 'bm90IGEgc2lnbmF0dXJl', '%%%']) {
			expect(
				authenticateDelivery(
					{ rawBody: body, headers: { 'x-partoo-signature-v1': signature } },
					authentication,
				).ok,
			).toBe(false);
		}
	});

	it('refuses the right signature followed by characters outside base64', () => {
		const signature = sign(null, body, privateKey).toString('base64');
		for (const suffix of ['!', '*x', '=A']) {
			const result = authenticateDelivery(
				{ rawBody: body, headers: { 'x-partoo-signature-v1': `${signature}${suffix}` } },
				authentication,
			);
			expect(result).toEqual({ ok: false, reason: 'x-partoo-signature-v1 is not base64' });
		}
	});
});

describe('shared secrets', () => {
	it('compares values of different lengths without throwing', () => {
		expect(constantTimeEqual('short', 'a much longer value')).toBe(false);
		expect(constantTimeEqual('same', 'same')).toBe(true);
		expect(constantTimeEqual(Buffer.from('ab'), 'ab')).toBe(true);
	});

	it('refuses every delivery when the trigger is misconfigured', () => {
		const result = authenticateDelivery(
			{ rawBody: body, headers: {} },
			{ kind: 'misconfigured', reason: 'no key' },
		);
		expect(result).toEqual({ ok: false, reason: 'no key' });
	});

	it('refuses Basic auth and header tokens when the credential is empty, even if the request matches', () => {
		const emptyBasic = authenticateDelivery(
			{ rawBody: body, headers: { authorization: `Basic ${Buffer.from(':').toString('base64')}` } },
			{ kind: 'basicAuth', user: '', password: '' },
		);
		const emptyHeader = authenticateDelivery(
			{ rawBody: body, headers: { 'x-token': '' } },
			{ kind: 'headerToken', headerName: 'x-token', token: '' },
		);
		expect(emptyBasic.ok).toBe(false);
		expect(emptyHeader.ok).toBe(false);
	});

	it('reads the first value of a repeated header', () => {
		const result = authenticateDelivery(
			{ rawBody: body, headers: { 'x-token': ['right', 'wrong'] } },
			{ kind: 'headerToken', headerName: 'X-Token', token: 'right' },
		);
		expect(result).toEqual({ ok: true });
	});
});
