/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test helper that loads the trigger node files; it is not part of the published package */
import { join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { messagingProviders, type ProviderId } from '../../lib/providerRegistry';

/** The trigger node file of a provider: nodes/<Class>/<Class>.node.ts, the class named after `trigger.name`. */
function loadTriggerNode(name: string): INodeType {
	const className = name[0].toUpperCase() + name.slice(1);
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the node file is named by the definition
	const module = require(
		join(__dirname, '..', '..', 'nodes', className, `${className}.node`),
	) as Record<string, new () => INodeType>;
	return new module[className]();
}

/** One instance of each registered provider's trigger node, by provider id. */
export const TRIGGER_NODES: Record<ProviderId, INodeType> = Object.fromEntries(
	messagingProviders.map(({ id, trigger }) => [id, loadTriggerNode(trigger.name)]),
);
