import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	unsafeBaseUrlReason,
	type ApiAuthentication,
	type WebhookRegistrationApi,
} from '../webhookRegistrationApi';

/** Fields that together make one usable way of authenticating deliveries. */
export interface CredentialFieldGroup {
	label: string;
	fields: string[];
}

/**
 * A credential test for webhook credentials, whose secrets a provider cannot check for us:
 * passes when at least one group is completely filled in, and says which one.
 */
export function completeFieldGroupTest(groups: CredentialFieldGroup[]) {
	return async function (
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const data = credential.data ?? {};
		const complete = groups.filter(({ fields }) =>
			fields.every(
				(field) => typeof data[field] === 'string' && (data[field] as string).length > 0,
			),
		);
		if (complete.length === 0) {
			return {
				status: 'Error',
				message: `Fill in one of: ${groups.map((group) => `${group.label} (${group.fields.join(', ')})`).join('; ')}`,
			};
		}
		return {
			status: 'OK',
			message: `Ready for ${complete.map((group) => group.label).join(', ')}. The provider offers no way to check webhook secrets before a delivery arrives.`,
		};
	};
}

/** Where the credentials go in a request, each field's value given by `value`. */
function credentialsInRequest(
	authentication: ApiAuthentication,
	value: (field: string) => string,
): { headers: Record<string, string> } | { auth: { username: string; password: string } } {
	if ('headers' in authentication) {
		const { headers } = authentication;
		return {
			headers: Object.fromEntries(
				Object.entries(headers).map(([header, field]) => [header, value(field)]),
			),
		};
	}
	const { user, password } = authentication.basicAuth;
	return { auth: { username: value(user), password: value(password) } };
}

/** A credential's `authenticate` block, from its provider's API authentication. */
export function apiAuthenticate(authentication: ApiAuthentication): IAuthenticateGeneric {
	return {
		type: 'generic',
		properties: credentialsInRequest(authentication, (field) => `={{$credentials.${field}}}`),
	};
}

function text(data: ICredentialDataDecryptedObject, field: string): string {
	const value = data[field];
	return typeof value === 'string' ? value : '';
}

/**
 * The test of a provider's API credential: a Base URL that would carry the credentials in clear
 * text is refused before anything is sent; otherwise the provider's read-only call is made
 * with them, as n8n's declarative tests do.
 */
export function apiCredentialTest(providerName: string, registration: WebhookRegistrationApi) {
	return async function (
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const data = credential.data ?? {};
		const baseUrl = registration.baseUrl(data);
		const unsafe = unsafeBaseUrlReason(baseUrl);
		if (unsafe) return { status: 'Error', message: `${unsafe}. Nothing was sent.` };
		const { authentication, credentialCheck } = registration;
		const { method, path, qs } = credentialCheck;
		try {
			await this.helpers.request({
				method,
				uri: `${baseUrl}${path}`,
				qs: { ...registration.commonQuery?.(data), ...qs },
				json: true,
				timeout: 15_000,
				...credentialsInRequest(authentication, (field) => text(data, field)),
			});
		} catch (error) {
			const { response, statusCode, code } = (error ?? {}) as {
				response?: { status?: number };
				statusCode?: number;
				code?: string;
			};
			const status = statusCode ?? response?.status;
			return {
				status: 'Error',
				message: status
					? `${providerName} answered HTTP ${status}${status === 401 || status === 403 ? ': check the API credentials' : ''}`
					: `${providerName} could not be reached${code ? ` (${code})` : ''}`,
			};
		}
		return { status: 'OK', message: 'Connection successful' };
	};
}
