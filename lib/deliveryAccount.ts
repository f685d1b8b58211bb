/**
 * For providers that sign every account's deliveries with one key: a valid signature proves
 * who sent a delivery, not whose it is. Each envelope names its account, and a trigger accepts
 * only its credential's.
 */
export interface DeliveryAccount {
	/** What the provider calls an account, for messages: `organization`. */
	label: string;
	/** Where an envelope names it, for messages: `payload.org_id`. */
	path: string;
	/** The account an envelope names, as text; undefined when it names none. */
	ofEnvelope(envelope: unknown): string | undefined;
	/** The credential field where the user may name the account. */
	credentialField: string;
}

/** The account a trigger accepts deliveries for. */
export interface AccountCheck {
	account: DeliveryAccount;
	expected: string;
}

/** How many foreign account names a refusal quotes at most. */
const NAMED_IN_REASON = 5;

/**
 * The envelopes for the expected account, and, when some are not, why, for the owner's log:
 * account ids are the provider's identifiers of its customers, not payload values.
 */
export function envelopesForAccount(
	envelopes: readonly unknown[],
	{ account, expected }: AccountCheck,
): { ours: unknown[]; refusal?: string } {
	const ours: unknown[] = [];
	const others = new Set<string>();
	let unnamed = 0;
	for (const envelope of envelopes) {
		const named = account.ofEnvelope(envelope);
		if (named === expected) ours.push(envelope);
		else if (named === undefined) unnamed++;
		else others.add(named);
	}
	const refused = envelopes.length - ours.length;
	if (refused === 0) return { ours };
	const quoted = [...others].slice(0, NAMED_IN_REASON);
	const details = [
		...(quoted.length > 0
			? [`${account.path} ${quoted.join(', ')}${others.size > quoted.length ? ', …' : ''}`]
			: []),
		...(unnamed > 0 ? [`${unnamed} without ${account.path}`] : []),
	];
	return {
		ours,
		refusal: `${refused} of ${envelopes.length} events ${refused === 1 ? 'is' : 'are'} not for this trigger's ${account.label} ${expected} (${details.join('; ')})`,
	};
}
