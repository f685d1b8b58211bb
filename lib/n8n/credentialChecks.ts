import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

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
