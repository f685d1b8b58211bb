/* eslint-disable @n8n/community-nodes/no-restricted-globals -- development script (end-to-end and queue suites); not part of the published package */
import { randomUUID } from 'node:crypto';

import { fixtureFiles, signedHeaders, type DeliverySecrets } from './deliveries';
import type { N8nApi } from './n8nApi';
import { triggerWorkflow } from './workflows';

/**
 * What Acknowledge → When the Workflow Finishes answers under the settings many production
 * instances use to keep their database small: successful and failed executions not saved
 * (`EXECUTIONS_DATA_SAVE_ON_SUCCESS=none`, `…_ON_ERROR=none`, here per workflow: Settings →
 * Save successful / failed production executions → Do not save, which n8n applies the same way).
 */
export interface QuietAnswers {
	/** A workflow that succeeds: status and body. */
	success: { status: number; body: string };
	/** A workflow that fails (Stop and Error). */
	failure: { status: number; body: string };
	/** Executions n8n kept of the two. */
	stored: number;
}

export const QUIET_SETTINGS = {
	saveDataSuccessExecution: 'none',
	saveDataErrorExecution: 'none',
} as const;

export async function quietSettingsAnswers(
	api: N8nApi,
	webhookBase: string,
	secrets: DeliverySecrets,
	credentialIds: Record<string, string>,
): Promise<QuietAnswers> {
	const template = fixtureFiles('timelyai').find(({ name }) => name === 'message-received')!;
	const answerOf = async (name: string, then: Parameters<typeof triggerWorkflow>[0]['then']) => {
		const built = triggerWorkflow({
			provider: 'timelyai',
			name,
			credentialIds,
			acknowledge: 'whenWorkflowFinishes',
			then,
		});
		built.workflow.settings = { executionOrder: 'v1', ...QUIET_SETTINGS };
		const { id, url } = await api.deploy(built, { webhookBase });
		const envelope = JSON.parse(template.bytes.toString('utf8')) as Record<string, unknown>;
		const body = Buffer.from(
			JSON.stringify({ ...envelope, event_id: `evt_quiet_${randomUUID()}` }),
		);
		const response = await fetch(url, {
			method: 'POST',
			headers: signedHeaders('timelyai', body, secrets),
			body,
			signal: AbortSignal.timeout(30_000),
		});
		return { id, status: response.status, body: await response.text() };
	};
	const success = await answerOf('quiet settings, succeeds', [
		{ name: 'Done', type: 'n8n-nodes-base.noOp', parameters: {} },
	]);
	const failure = await answerOf('quiet settings, fails', [
		{
			name: 'CRM Refused',
			type: 'n8n-nodes-base.stopAndError',
			parameters: { errorMessage: 'the CRM refused the write' },
		},
	]);
	await new Promise((resolve) => setTimeout(resolve, 2000));
	const stored =
		(await api.executions(success.id)).length + (await api.executions(failure.id)).length;
	return {
		success: { status: success.status, body: success.body },
		failure: { status: failure.status, body: failure.body },
		stored,
	};
}
