/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test helper that loads the trigger node files; it is not part of the published package */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { messagingProviders, type ProviderId } from '../../lib/providerRegistry';

const ROOT = join(__dirname, '..', '..');

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

/** One instance of every credential class in credentials/, the provider's and the shared ones. */
export const PACKAGE_CREDENTIALS: ICredentialType[] = readdirSync(join(ROOT, 'credentials'))
	.filter((file) => file.endsWith('.credentials.ts'))
	.sort()
	.map((file) => {
		const className = file.replace('.credentials.ts', '');
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- every credential file, whatever its name
		const module = require(join(ROOT, 'credentials', file)) as Record<
			string,
			new () => ICredentialType
		>;
		return new module[className]();
	});
