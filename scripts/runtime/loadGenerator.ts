import autocannon from 'autocannon';

export interface Request {
	body: Buffer | string;
	headers: Record<string, string>;
	/** Path after the base URL (a whole URL when the base URL is empty). */
	path: string;
}

export interface LoadResult {
	requests: number;
	seconds: number;
	perSecond: number;
	status2xx: number;
	non2xx: number;
	errors: number;
	timeouts: number;
	latencyP50: number;
	latencyP99: number;
}

export interface LoadOptions {
	baseUrl: string;
	/** Cycled through; or made per request (a fresh event each time, say). */
	requests: Request[] | ((index: number) => Request);
	connections: number;
	durationSeconds: number;
}

/** Loopback load with autocannon for a fixed time, cycling through the requests (or making them). */
export async function generateLoad({
	baseUrl,
	requests,
	connections,
	durationSeconds,
}: LoadOptions): Promise<LoadResult> {
	let next = 0;
	const result = await autocannon({
		url: baseUrl,
		connections,
		duration: durationSeconds,
		timeout: 30,
		requests: [
			{
				setupRequest: (request: autocannon.Request) => {
					const index = next++;
					const chosen =
						typeof requests === 'function' ? requests(index) : requests[index % requests.length];
					return {
						...request,
						method: 'POST',
						path: chosen.path,
						headers: chosen.headers,
						body: chosen.body,
					};
				},
			},
		],
	});
	const seconds = result.duration;
	return {
		requests: result.requests.total,
		seconds,
		perSecond: result['2xx'] / seconds,
		status2xx: result['2xx'],
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
		latencyP50: result.latency.p50,
		latencyP99: result.latency.p99,
	};
}

export interface Answer {
	status: number;
	body: string;
	/** Milliseconds from sending to the full answer. */
	latencyMs: number;
}

/**
 * Sends every request exactly once, `concurrency` at a time, and returns each answer at
 * the index of its request, so each delivery can be accounted for. Network errors become
 * status 0 with the error's message.
 */
export async function sendAll(
	baseUrl: string,
	requests: Request[],
	concurrency: number,
	onProgress?: (done: number) => void,
): Promise<Answer[]> {
	const answers = new Array<Answer>(requests.length);
	let next = 0;
	let done = 0;
	const worker = async () => {
		while (next < requests.length) {
			const index = next++;
			const { path, headers, body } = requests[index];
			const started = performance.now();
			try {
				const response = await fetch(`${baseUrl}${path}`, {
					method: 'POST',
					headers,
					body,
					signal: AbortSignal.timeout(60_000),
				});
				answers[index] = {
					status: response.status,
					body: await response.text(),
					latencyMs: performance.now() - started,
				};
			} catch (error) {
				answers[index] = {
					status: 0,
					body: (error as Error).message,
					latencyMs: performance.now() - started,
				};
			}
			onProgress?.(++done);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return answers;
}
