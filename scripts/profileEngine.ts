/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- `npm run bench:profile`; not part of the published package */
import { Session, type Profiler } from 'node:inspector';

import { processDelivery, type DeliverySettings } from '../lib/deliveryPipeline';
import { compileEventSelection } from '../lib/eventSelection';
import { PROVIDER_IDS, providerById } from '../lib/providerRegistry';
import { fixtureFiles } from './runtime/deliveries';

/**
 * Where the engine's time goes: every fixture through `processDelivery` (no signature) under
 * V8's sampling profiler, reported as the share of time spent inside each function
 * (inclusive, so `safeParse` counts zod's whole validation).
 */
const ROUNDS = Number(process.env.PROFILE_ROUNDS) || 8000;

function post<T>(session: Session, method: string, params?: object): Promise<T> {
	return new Promise((resolve, reject) =>
		session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
	);
}

async function main(): Promise<void> {
	const settings: DeliverySettings = {
		authentication: { kind: 'none' },
		selection: compileEventSelection(['*']),
	};
	const deliveries = PROVIDER_IDS.flatMap((provider) =>
		fixtureFiles(provider).map(({ bytes }) => ({
			provider: providerById(provider)!,
			rawBody: bytes,
		})),
	);
	const run = (rounds: number) => {
		for (let round = 0; round < rounds; round++) {
			for (const { provider, rawBody } of deliveries)
				processDelivery(provider, { rawBody, headers: {} }, settings);
		}
	};
	run(500);

	const session = new Session();
	session.connect();
	await post(session, 'Profiler.enable');
	await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
	await post(session, 'Profiler.start');
	run(ROUNDS);
	const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
	session.disconnect();

	const parentOf = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parentOf.set(child, node.id);
	const nodesById = new Map(profile.nodes.map((node) => [node.id, node]));
	const label = (node: Profiler.ProfileNode) => {
		const { functionName, url } = node.callFrame;
		const where = url.includes('/lib/')
			? url.slice(url.lastIndexOf('/lib/') + 1)
			: url.split('/').slice(-2).join('/');
		return `${functionName || '(anonymous)'} ${where}`.trim();
	};
	const inclusive = new Map<string, number>();
	const samples = profile.samples ?? [];
	for (const sample of samples) {
		const seen = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
			const name = label(nodesById.get(id)!);
			if (seen.has(name)) continue;
			seen.add(name);
			inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
		}
	}
	// The profiler runs only around the loop, so every sample is the engine's (or the GC's).
	const total = samples.length;
	console.log(
		`Share of the engine's time (${deliveries.length} fixtures × ${ROUNDS} rounds, Node ${process.version}):`,
	);
	const interesting = [...inclusive.entries()]
		.filter(([name]) => / lib\/|v3\/types|crypto|garbage/.test(name))
		.sort((a, b) => b[1] - a[1])
		.slice(0, 18);
	const share = (count: number) => `${((100 * count) / total).toFixed(1).padStart(5)} %`;
	for (const [name, count] of interesting) console.log(`  ${share(count)}  ${name}`);
	const normalization = inclusive.get('toCanonicalEvent lib/eventNormalization.js') ?? 0;
	console.log(
		`  ${share(total - normalization)}  everything else: JSON.parse of the body, recognising the event name, the event filter`,
	);
}

void main();
