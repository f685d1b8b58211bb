import {
	NodeApiError,
	NodeOperationError,
	type IHookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import type { ProviderDefinition } from '../providerDefinition';
import {
	unsafeBaseUrlReason,
	type ProviderRequest,
	type WebhookRegistrationApi,
} from '../webhookRegistrationApi';

/**
 * Calls to a provider's API with the trigger's API credentials, for registration and for
 * learning the delivery account: bounded in time, never following a redirect, failing with
 * an n8n error that names the provider.
 */

/** A provider's webhook API with the provider and the credential its calls authenticate with. */
export type ProviderRegistration = WebhookRegistrationApi & {
	provider: ProviderDefinition;
	credentialType: string;
};

/**
 * How long registration waits for a provider. `stepMs` bounds all calls of one lifecycle step
 * together: n8n abandons a publication still running after 70 % of its 120 s lease, and an
 * abandoned step's static data is never saved.
 */
export const registrationTimeouts = {
	answerMs: 15_000,
	stepMs: 60_000,
};

export type Step = 'checking' | 'registering' | 'removing';

export const MANUAL_REGISTRATION_HINT =
	'Turn off "Register Webhook Automatically" to register the URL by hand.';

/** An n8n error that names the provider, never a stack trace. */
export function providerError(
	context: IHookFunctions,
	message: string,
	{ httpCode, description }: { httpCode?: number; description?: string } = {},
): NodeApiError {
	// Built from our own summary: re-wrapping n8n's NodeApiError would hand back its generic text.
	return new NodeApiError(
		context.getNode(),
		{ message, httpCode: httpCode ? String(httpCode) : null } as JsonObject,
		{
			message,
			description: description ?? MANUAL_REGISTRATION_HINT,
			httpCode: httpCode ? String(httpCode) : undefined,
		},
	);
}

export function httpStatusOf(error: unknown): number | undefined {
	const candidate = error as
		| { httpCode?: string; response?: { status?: number }; status?: number }
		| undefined;
	const status = Number(candidate?.httpCode ?? candidate?.response?.status ?? candidate?.status);
	return Number.isInteger(status) && status > 0 ? status : undefined;
}

function timedOut(error: unknown): boolean {
	for (let cause = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; cause; ) {
		if (cause.code === 'ECONNABORTED' || cause.code === 'ETIMEDOUT') return true;
		if (++depth > 5) break;
		cause = cause.cause as typeof cause;
	}
	return false;
}

function seconds(milliseconds: number): string {
	return `${Math.round(milliseconds / 100) / 10} s`;
}

/** The errors of calls the provider did not answer in time. */
const unansweredCalls = new WeakSet<Error>();

/** Whether this error is of a call the provider did not answer in time. */
export function wasUnanswered(error: Error): boolean {
	return unansweredCalls.has(error);
}

/** Sends one request to the provider's API; null when `allowNotFound` and the answer is 404. */
export type ProviderCall = (request: ProviderRequest, allowNotFound?: boolean) => Promise<unknown>;

export interface ProviderSession {
	call: ProviderCall;
	providerName: string;
	step: Step;
	/** Set when this step's failure must not be repeated by n8n's retries (`failuresNotToRepeat`). */
	unrepeatable: boolean;
}

export async function providerSession(
	context: IHookFunctions,
	registration: ProviderRegistration,
	step: Step,
): Promise<ProviderSession> {
	const credentials = await context.getCredentials(registration.credentialType);
	const baseUrl = registration.baseUrl(credentials);
	const unsafeBaseUrl = unsafeBaseUrlReason(baseUrl);
	if (unsafeBaseUrl) {
		throw new NodeOperationError(context.getNode(), `${unsafeBaseUrl}.`, {
			description: `Change the Base URL of the ${registration.provider.displayName} credential. Nothing was sent.`,
		});
	}
	const commonQuery = registration.commonQuery?.(credentials) ?? {};
	const providerName = registration.provider.displayName;
	const { answerMs, stepMs } = registrationTimeouts;
	const deadline = Date.now() + stepMs;
	const tooLong = () =>
		providerError(
			context,
			`${providerName} took more than ${seconds(stepMs)} while ${step} the webhook`,
		);

	const session: ProviderSession = { call, providerName, step, unrepeatable: false };
	const unanswered = (error: NodeApiError) => {
		session.unrepeatable = true;
		unansweredCalls.add(error);
		return error;
	};
	async function call(
		{ method, path, body, qs }: ProviderRequest,
		allowNotFound = false,
	): Promise<unknown> {
		const remaining = deadline - Date.now();
		if (remaining <= 0) throw unanswered(tooLong());
		const timeout = Math.min(answerMs, remaining);
		try {
			return await context.helpers.httpRequestWithAuthentication.call(
				context,
				registration.credentialType,
				{
					method,
					url: `${baseUrl}${path}`,
					qs: { ...commonQuery, ...qs },
					body,
					json: true,
					timeout,
					// The call carries the API credentials: a redirect (to http, to another host) is not followed.
					disableFollowRedirect: true,
				},
			);
		} catch (error) {
			const status = httpStatusOf(error);
			if (allowNotFound && status === 404) return null;
			if (timedOut(error)) {
				throw unanswered(
					timeout < answerMs
						? tooLong()
						: providerError(
								context,
								`${providerName} did not answer within ${seconds(answerMs)} while ${step} the webhook`,
							),
				);
			}
			if (status !== undefined && status >= 300 && status < 400)
				throw providerError(
					context,
					`${providerName} answered HTTP ${status}, a redirect, while ${step} the webhook: the trigger does not follow it, so the API credentials are never sent to another address`,
					{
						httpCode: status,
						description: `Set the credential's Base URL to ${providerName}'s API address itself (https, no redirect).`,
					},
				);
			throw providerError(
				context,
				status
					? `${providerName} answered HTTP ${status} while ${step} the webhook`
					: `${providerName} could not be reached while ${step} the webhook`,
				{
					httpCode: status,
					description:
						status === 401 || status === 403
							? 'Check the API credentials of this trigger, or turn off "Register Webhook Automatically" and register the URL by hand.'
							: undefined,
				},
			);
		}
	}
	return session;
}
