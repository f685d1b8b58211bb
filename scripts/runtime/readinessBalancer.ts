/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- development script (queue suite); not part of the published package */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What stands in front of n8n's webhook processes in a deployment (a load balancer's health
 * check, a Kubernetes readiness probe): requests go to the process only while its
 * `/healthz/readiness` answers 200; otherwise the balancer answers 503 itself.
 *
 * Without it a provider reaches a starting webhook process, and n8n answers before it can run
 * a webhook: 503 "Database is not ready!", then 200 "n8n is starting up. Please wait", then 404
 * for the trigger's URL (n8n 2.41.1's abstract-server.js and webhook command) — the 200 and
 * the 404 lose the event for a provider that stops on them.
 */
export interface ReadinessBalancer {
	/** The public base URL (what providers are given). */
	url: string;
	/** Stops sending to the backend until its readiness answers 200 again (before it is stopped). */
	drain(): void;
	/** Requests answered 503 because no ready backend was there. */
	refused(): number;
	close(): Promise<void>;
}

const PROBE_INTERVAL_MS = 250;

export async function startReadinessBalancer(
	port: number,
	backendPort: number,
): Promise<ReadinessBalancer> {
	let ready = false;
	let refused = 0;
	const probe = async () => {
		try {
			const response = await fetch(`http://127.0.0.1:${backendPort}/healthz/readiness`, {
				signal: AbortSignal.timeout(2_000),
			});
			await response.arrayBuffer();
			ready = response.status === 200;
		} catch {
			ready = false;
		}
	};
	await probe();
	const timer = setInterval(() => void probe(), PROBE_INTERVAL_MS).unref();

	const server: Server = createServer((incoming, outgoing) => {
		const unavailable = (status: number) => {
			if (!outgoing.headersSent)
				outgoing
					.writeHead(status, { 'content-type': 'application/json' })
					.end('{"message":"no ready webhook process"}');
			else outgoing.destroy();
		};
		if (!ready) {
			refused++;
			incoming.resume();
			return unavailable(503);
		}
		const forwarded = request(
			{
				host: '127.0.0.1',
				port: backendPort,
				method: incoming.method,
				path: incoming.url,
				headers: incoming.headers,
			},
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
			},
		);
		forwarded.on('error', () => unavailable(502));
		outgoing.on('close', () => forwarded.destroy());
		incoming.pipe(forwarded);
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		drain: () => {
			ready = false;
		},
		refused: () => refused,
		close: async () => {
			clearInterval(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A body as a log line shows it: n8n's `message`, "an HTML page", or its first 60 characters. */
function describeBody(text: string): string {
	try {
		const message = (JSON.parse(text) as { message?: unknown }).message;
		if (typeof message === 'string') return `"${message.slice(0, 80)}"`;
	} catch {
		// not JSON
	}
	if (text.trimStart().startsWith('<')) return 'an HTML page';
	return `"${text.replace(/\s+/g, ' ').slice(0, 60)}"`;
}

/**
 * What n8n itself answers while a process starts: POSTs to a webhook path no workflow uses,
 * every `intervalMs` until `stop()`, as runs of the same answer ("503 Database is not ready! × 12").
 */
export function probeStartingN8n(baseUrl: string, intervalMs = 100): { stop(): Promise<string[]> } {
	const runs: Array<{ answer: string; count: number }> = [];
	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			let answer: string;
			try {
				const response = await fetch(`${baseUrl}/webhook/restart-probe/webhook`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '{}',
					signal: AbortSignal.timeout(2_000),
				});
				answer = `${response.status} ${describeBody(await response.text())}`;
			} catch (error) {
				const cause = (error as { cause?: { code?: string } }).cause?.code;
				answer = cause ?? (error as Error).name;
			}
			const last = runs[runs.length - 1];
			if (last?.answer === answer) last.count++;
			else runs.push({ answer, count: 1 });
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	})();
	return {
		stop: async () => {
			stopped = true;
			await loop;
			return runs.map(({ answer, count }) => `${answer} × ${count}`);
		},
	};
}
