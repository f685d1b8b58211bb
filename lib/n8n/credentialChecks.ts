import {
	UserError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IHttpRequestOptions,
	type INodeCredentialTestResult,
} from 'n8n-workflow';

import { unsafeBaseUrlReason, type ApiAuthentication } from '../webhookRegistrationApi';

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

/**
 * A credential's `authenticate`: puts the API credentials into a request, unless the request
 * goes to a Base URL that would carry them in clear text. n8n runs it before every call made
 * with the credential, its own credential test included, so such a call fails with the reason
 * before anything is sent.
 */
export function apiAuthenticate(authentication: ApiAuthentication) {
	return async function (
		credentials: ICredentialDataDecryptedObject,
		request: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		let target: string;
		try {
			target = new URL(request.url, request.baseURL || undefined).href;
		} catch {
			target = request.url;
		}
		const unsafe = unsafeBaseUrlReason(target);
		if (unsafe) throw new UserError(`${unsafe}. Nothing was sent.`);
		const value = (field: string) => {
			const text = credentials[field];
			return typeof text === 'string' ? text : '';
		};
		if ('headers' in authentication) {
			const headers = Object.fromEntries(
				Object.entries(authentication.headers).map(([header, field]) => [header, value(field)]),
			);
			return { ...request, headers: { ...request.headers, ...headers } };
		}
		const { user, password } = authentication.basicAuth;
		return { ...request, auth: { username: value(user), password: value(password) } };
	};
}
