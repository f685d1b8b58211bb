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
 * the 404 lose the event for a provider that stops on them. With several webhook processes,
 * the path picks the process (backendForPath).
 */
export interface ReadinessBalancer {
	/** The public base URL (what providers are given). */
	url: string;
	/** Stops sending to a backend (by default the first) until its readiness answers 200 again (before it is stopped). */
	drain(backendPort?: number): void;
	/** Requests answered 503 because no ready backend was there. */
	refused(): number;
	/** Requests forwarded, per backend port. */
	forwarded(): Record<number, number>;
	/** The backends each path was forwarded to. */
	routes(): Map<string, Set<number>>;
	close(): Promise<void>;
}

const PROBE_INTERVAL_MS = 250;

/**
 * The backend for a path with several webhook processes: a hash of the path picks one, as
 * nginx's `hash $request_uri consistent` or HAProxy's `balance uri` do, so every delivery to one
 * trigger reaches the same process (the trigger's claims live in that process's memory). A
 * backend that is not ready hands its paths to the next ready one in the ring.
 */
export function backendForPath(
	path: string,
	backends: readonly number[],
	ready: (port: number) => boolean,
): number | undefined {
	let hash = 0x811c9dc5;
	for (let index = 0; index < path.length; index++)
		hash = Math.imul(hash ^ path.charCodeAt(index), 0x01000193) >>> 0;
	for (let step = 0; step < backends.length; step++) {
		const port = backends[(hash + step) % backends.length];
		if (ready(port)) return port;
	}
	return undefined;
}

export async function startReadinessBalancer(
	port: number,
	backendPorts: number | readonly number[],
): Promise<ReadinessBalancer> {
	const backends = [backendPorts].flat();
	const ready = new Map(backends.map((backend) => [backend, false]));
	const forwardedTo: Record<number, number> = Object.fromEntries(backends.map((b) => [b, 0]));
	const routes = new Map<string, Set<number>>();
	let refused = 0;
	const probe = async (backend: number) => {
		try {
			const response = await fetch(`http://127.0.0.1:${backend}/healthz/readiness`, {
				signal: AbortSignal.timeout(2_000),
			});
			await response.arrayBuffer();
			ready.set(backend, response.status === 200);
		} catch {
			ready.set(backend, false);
		}
	};
	const probeAll = async () => await Promise.all(backends.map(probe));
	await probeAll();
	const timer = setInterval(() => void probeAll(), PROBE_INTERVAL_MS).unref();

	const server: Server = createServer((incoming, outgoing) => {
		const unavailable = (status: number) => {
			if (!outgoing.headersSent)
				outgoing
					.writeHead(status, { 'content-type': 'application/json' })
					.end('{"message":"no ready webhook process"}');
			else outgoing.destroy();
		};
		const backend = backendForPath(incoming.url ?? '/', backends, (b) => ready.get(b) === true);
		if (backend === undefined) {
			refused++;
			incoming.resume();
			return unavailable(503);
		}
		forwardedTo[backend]++;
		const path = incoming.url ?? '/';
		routes.set(path, (routes.get(path) ?? new Set()).add(backend));
		const forwarded = request(
			{
				host: '127.0.0.1',
				port: backend,
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
		drain: (backend = backends[0]) => {
			ready.set(backend, false);
		},
		refused: () => refused,
		forwarded: () => ({ ...forwardedTo }),
		routes: () => routes,
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
