import { createHash, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** The parts of an HTTP delivery that authentication looks at. Header names are lower-case. */
export interface IncomingDelivery {
	rawBody: Buffer;
	headers: Record<string, string | string[] | undefined>;
}

/** How a provider signs with a shared secret: which header, algorithm, encoding and bytes. */
export interface HmacSignatureScheme {
	header: string;
	algorithm: 'sha1' | 'sha256';
	encoding: 'hex' | 'base64';
	/** Stripped from the header value when present, e.g. `sha256=`. */
	prefix?: string;
	/** When this header is present, `${timestamp}.${body}` may be what was signed, and the timestamp must be fresh. */
	timestampHeader?: string;
}

export type DeliveryAuthentication =
	| { kind: 'none' }
	| {
			kind: 'hmacSignature';
			scheme: HmacSignatureScheme;
			secret: string;
			toleranceSeconds?: number;
			/** Refuse deliveries without the scheme's timestamp, and accept only signatures that cover it. */
			requireTimestamp?: boolean;
	  }
	| { kind: 'ed25519Signature'; header: string; publicKey: KeyObject }
	| { kind: 'basicAuth'; user: string; password: string }
	| { kind: 'headerToken'; headerName: string; token: string }
	/**
	 * A setting that cannot authenticate anything (a credential that cannot be read, say):
	 * no delivery is let in, and none is called forged (see uncheckableReason).
	 */
	| { kind: 'misconfigured'; reason: string };

export type AuthenticationResult = { ok: true } | { ok: false; reason: string };

const DEFAULT_TOLERANCE_SECONDS = 300;

export function headerValue(headers: IncomingDelivery['headers'], name: string): string | null {
	const value = headers[name.toLowerCase()];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' && first.length > 0 ? first : null;
}

/** Constant-time equality for values of any length: both sides are hashed to equal-length digests first. */
export function constantTimeEqual(expected: string | Buffer, actual: string | Buffer): boolean {
	const expectedDigest = createHash('sha256').update(expected).digest();
	const actualDigest = createHash('sha256').update(actual).digest();
	return timingSafeEqual(expectedDigest, actualDigest);
}

/**
 * Why no delivery can be checked with this setting, or null when deliveries can be. Such a
 * delivery is not provably forged: the trigger's own setup is at fault (a credential that
 * could not be read, a secret left empty), so the engine answers 503 and a provider that
 * retries sends it again once the setup is fixed.
 */
export function uncheckableReason(authentication: DeliveryAuthentication): string | null {
	switch (authentication.kind) {
		case 'misconfigured':
			return authentication.reason;
		case 'hmacSignature':
			return authentication.secret ? null : NO_SECRET;
		case 'basicAuth':
			return authentication.user || authentication.password ? null : NO_BASIC_AUTH_USER;
		case 'headerToken':
			return authentication.headerName && authentication.token ? null : NO_HEADER_TOKEN;
		default:
			return null;
	}
}

const NO_SECRET = 'no signing secret is configured for this trigger';
const NO_BASIC_AUTH_USER = 'no Basic auth user is configured for this trigger';
const NO_HEADER_TOKEN = 'no header name or value is configured for this trigger';

/**
 * Decides whether a delivery comes from whom it claims. Never throws: anything unexpected
 * (a malformed header, a bad key) is a rejection with a reason that names no secret and no payload.
 */
export function authenticateDelivery(
	delivery: IncomingDelivery,
	authentication: DeliveryAuthentication,
	nowMs: number = Date.now(),
): AuthenticationResult {
	try {
		switch (authentication.kind) {
			case 'none':
				return { ok: true };
			case 'hmacSignature':
				return checkHmacSignature(delivery, authentication, nowMs);
			case 'ed25519Signature':
				return checkEd25519Signature(delivery, authentication);
			case 'basicAuth':
				return checkBasicAuth(delivery, authentication);
			case 'headerToken':
				return checkHeaderToken(delivery, authentication);
			case 'misconfigured':
				return { ok: false, reason: authentication.reason };
		}
	} catch {
		return { ok: false, reason: 'the delivery could not be authenticated' };
	}
}

function checkHmacSignature(
	delivery: IncomingDelivery,
	{
		scheme,
		secret,
		toleranceSeconds,
		requireTimestamp,
	}: Extract<DeliveryAuthentication, { kind: 'hmacSignature' }>,
	nowMs: number,
): AuthenticationResult {
	if (!secret) return { ok: false, reason: NO_SECRET };
	let signature = headerValue(delivery.headers, scheme.header);
	if (signature === null) return { ok: false, reason: `missing ${scheme.header} header` };
	if (scheme.prefix && signature.toLowerCase().startsWith(scheme.prefix.toLowerCase())) {
		signature = signature.slice(scheme.prefix.length);
	}
	const received = decodeStrictly(signature.trim(), scheme.encoding);
	if (received === null) return { ok: false, reason: `${scheme.header} is not ${scheme.encoding}` };

	const timestamp = scheme.timestampHeader
		? headerValue(delivery.headers, scheme.timestampHeader)
		: null;
	if (scheme.timestampHeader && timestamp === null && requireTimestamp) {
		return {
			ok: false,
			reason: `missing ${scheme.timestampHeader} header, which Require Timestamp asks for`,
		};
	}
	// Without a timestamp in what was signed, a captured delivery can be replayed as it is:
	// with requireTimestamp only `${timestamp}.${body}` is accepted.
	const signedPayloads: Buffer[] = requireTimestamp ? [] : [delivery.rawBody];
	if (scheme.timestampHeader && timestamp !== null) {
		if (!isFresh(timestamp, toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, nowMs)) {
			return {
				ok: false,
				reason: `${scheme.timestampHeader} is outside the accepted time window`,
			};
		}
		signedPayloads.unshift(Buffer.concat([Buffer.from(`${timestamp}.`), delivery.rawBody]));
	}

	// Every candidate is computed and compared, so timing does not reveal which one matched.
	let matched = false;
	for (const payload of signedPayloads) {
		const expected = createHmac(scheme.algorithm, secret).update(payload).digest();
		matched = constantTimeEqual(expected, received) || matched;
	}
	if (matched) return { ok: true };
	return {
		ok: false,
		reason: requireTimestamp
			? `${scheme.header} is not a signature of ${scheme.timestampHeader}.body, the only one Require Timestamp accepts`
			: `${scheme.header} does not match the body`,
	};
}

const ENCODED = { hex: /^(?:[0-9a-f]{2})+$/i, base64: /^[A-Za-z0-9+/]+={0,2}$/ };

/** The bytes of a signature, or null when it is not wholly in its encoding (Buffer.from stops at the first bad character). */
function decodeStrictly(text: string, encoding: 'hex' | 'base64'): Buffer | null {
	return ENCODED[encoding].test(text) ? Buffer.from(text, encoding) : null;
}

/** Accepts epoch seconds, epoch milliseconds or an ISO 8601 date. */
function isFresh(timestamp: string, toleranceSeconds: number, nowMs: number): boolean {
	const asNumber = Number(timestamp);
	const ms = Number.isFinite(asNumber)
		? asNumber > 1e11
			? asNumber
			: asNumber * 1000
		: Date.parse(timestamp);
	return Number.isFinite(ms) && Math.abs(nowMs - ms) <= toleranceSeconds * 1000;
}

function checkEd25519Signature(
	delivery: IncomingDelivery,
	{ header, publicKey }: Extract<DeliveryAuthentication, { kind: 'ed25519Signature' }>,
): AuthenticationResult {
	const signature = headerValue(delivery.headers, header);
	if (signature === null) return { ok: false, reason: `missing ${header} header` };
	const decoded = decodeStrictly(signature.trim(), 'base64');
	if (decoded === null) return { ok: false, reason: `${header} is not base64` };
	const valid = verify(null, delivery.rawBody, publicKey, decoded);
	return valid ? { ok: true } : { ok: false, reason: `${header} does not match the body` };
}

function checkBasicAuth(
	delivery: IncomingDelivery,
	{ user, password }: Extract<DeliveryAuthentication, { kind: 'basicAuth' }>,
): AuthenticationResult {
	if (!user && !password) return { ok: false, reason: NO_BASIC_AUTH_USER };
	const authorization = headerValue(delivery.headers, 'authorization');
	const match = authorization ? /^basic\s+(\S+)$/i.exec(authorization) : null;
	if (!match) return { ok: false, reason: 'missing Basic authorization header' };
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const separator = decoded.indexOf(':');
	const givenUser = separator === -1 ? decoded : decoded.slice(0, separator);
	const givenPassword = separator === -1 ? '' : decoded.slice(separator + 1);
	const userMatches = constantTimeEqual(user, givenUser);
	const passwordMatches = constantTimeEqual(password, givenPassword);
	return userMatches && passwordMatches
		? { ok: true }
		: { ok: false, reason: 'wrong Basic auth credentials' };
}

function checkHeaderToken(
	delivery: IncomingDelivery,
	{ headerName, token }: Extract<DeliveryAuthentication, { kind: 'headerToken' }>,
): AuthenticationResult {
	if (!headerName || !token) return { ok: false, reason: NO_HEADER_TOKEN };
	const given = headerValue(delivery.headers, headerName);
	if (given === null) return { ok: false, reason: `missing ${headerName} header` };
	return constantTimeEqual(token, given)
		? { ok: true }
		: { ok: false, reason: `wrong ${headerName} header value` };
}
