import type { INodeProperties } from 'n8n-workflow';

import type { DeliveryRetries, ProviderDefinition } from '../providerDefinition';

/** The node parameter that says when a delivery is answered 2xx. */
export const ACKNOWLEDGE_PARAMETER = 'acknowledge';

/**
 * `onReceipt` (the default): 200 once the delivery is verified, n8n's `onReceived`.
 * `whenWorkflowFinishes`: 200 once the execution has succeeded, n8n's `lastNode`.
 */
export type Acknowledge = 'onReceipt' | 'whenWorkflowFinishes';

const WHEN_FINISHED: Acknowledge = 'whenWorkflowFinishes';

/**
 * n8n's response mode, from the stored parameter: anything but When the Workflow Finishes (a
 * workflow saved before the parameter existed, say) answers on receipt.
 */
export const responseModeExpression = `={{$parameter["${ACKNOWLEDGE_PARAMETER}"] === "${WHEN_FINISHED}" ? "lastNode" : "onReceived"}}`;

/**
 * What n8n answers with, for both choices: `noData` keeps the workflow's data out of the
 * answer (n8n would otherwise send the last node's items when the workflow finishes) and makes
 * n8n send an empty 2xx through `res.json()` on receipt too; receiveDelivery puts the trigger's
 * answer into it. A fixed value, not an expression: n8n evaluates this for every delivery, and
 * an expression takes one of its isolates (docs/benchmarks.md, "Expression isolates").
 */
export const RESPONSE_DATA = 'noData';

/** Whether the node answers only once its execution has finished. */
export function acknowledgesWhenFinished(acknowledge: unknown): boolean {
	return acknowledge === WHEN_FINISHED;
}

function duration(seconds: number): string {
	if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
	if (seconds > 60 && seconds % 60 === 0) return `${seconds / 60} min`;
	return `${seconds} s`;
}

function listed(parts: readonly string[]): string {
	return parts.length < 2
		? parts.join('')
		: `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** One sentence on what the provider does with an answer that is not 2xx, from its definition. */
export function retryBehaviour(name: string, retries: DeliveryRetries): string {
	if (retries.retriesOn === 'none')
		return `${name} documents no retries: a delivery it gets no 2xx for may never be sent again`;
	const waits = retries.answerDeadlineSeconds
		? `waits ${duration(retries.answerDeadlineSeconds)} for an answer and `
		: '';
	const lost = retries.neverRetried?.length
		? ` (except ${retries.neverRetried.join(' or ')}, which loses its events)`
		: '';
	const which =
		retries.retriesOn === '5xx' ? 'a delivery answered 5xx' : `a delivery not answered 2xx${lost}`;
	const when = retries.schedule
		? ` after ${listed(retries.schedule.map(duration))}`
		: retries.firstRetrySeconds
			? ` from ${duration(retries.firstRetrySeconds)} later`
			: '';
	const limit = retries.retriesForSeconds
		? ` for up to ${duration(retries.retriesForSeconds)}`
		: retries.maxRetries && !retries.schedule
			? ` up to ${retries.maxRetries} times`
			: '';
	const then = retries.afterGivingUp ? `, then ${retries.afterGivingUp}` : '';
	return `${name} ${waits}resends ${which}${when}${limit}${then}`;
}

const WAIT_NODES =
	'An execution that waits (a Wait node, a send-and-wait step) is answered 200 when it starts waiting: what follows the wait is never sent again.';

/**
 * What a workflow that answers when it finishes must know for this provider. Repeats of an
 * event are the trigger's (Options → Skip Repeated Events); a resent event of a failed
 * execution runs again, so no Remove Duplicates is wanted (it would skip it).
 */
function whenFinishedAdvice(name: string, retries: DeliveryRetries): string {
	const timeout = 'Settings → Timeout Workflow';
	if (retries.retriesOn === 'none')
		return `${name} documents no retries, so the event of a failed execution, answered 500, may still be lost. Set the workflow's timeout (${timeout}) so no delivery waits without bound. ${WAIT_NODES}`;
	const deadline = retries.answerDeadlineSeconds;
	const inTime = deadline
		? `${name} waits ${duration(deadline)} for the answer and sends a slower delivery again: while the first execution runs, its repeats start nothing and are answered 503, so keep the workflow short (${timeout}).`
		: `${name} documents no answer deadline: set the workflow's timeout (${timeout}) so no delivery waits without bound.`;
	return `${inTime} The events of a failed execution are sent again and run again, so put no Remove Duplicates before the writes. ${WAIT_NODES}`;
}

/** The Acknowledge choice and, when the workflow must finish first, what that asks of it. */
export function acknowledgeProperties(provider: ProviderDefinition): INodeProperties[] {
	const { displayName: name, deliveryRetries } = provider;
	return [
		{
			displayName: 'Acknowledge',
			name: ACKNOWLEDGE_PARAMETER,
			type: 'options',
			noDataExpression: true,
			default: 'onReceipt',
			options: [
				{
					name: 'On Receipt',
					value: 'onReceipt',
					description: `Answer 200 as soon as the delivery is verified. If the execution then fails, ${name} is not asked to send the event again.`,
				},
				{
					name: 'When the Workflow Finishes',
					value: WHEN_FINISHED,
					description: `Answer 200 once the execution has succeeded, and 500 when it fails, so ${name} can send the event again`,
				},
			],
			description: 'When to tell the provider that its delivery arrived',
			hint: retryBehaviour(name, deliveryRetries),
		},
		{
			displayName: whenFinishedAdvice(name, deliveryRetries),
			name: 'acknowledgeNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { [ACKNOWLEDGE_PARAMETER]: [WHEN_FINISHED] } },
		},
	];
}
