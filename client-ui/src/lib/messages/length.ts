/**
 * The server's limit on a message, counted as it counts: characters (Unicode scalar
 * values) of the trimmed text.
 */
export const MESSAGE_MAX = 4000;
/** The composer shows a counter from this many characters on. */
export const COUNTER_FROM = 3500;

export function messageLength(text: string): number {
	return Array.from(text.trim()).length;
}

/** Why a message of this length cannot be sent, or null when it can. */
export function overLimitMessage(length: number): string | null {
	const over = length - MESSAGE_MAX;
	if (over <= 0) return null;
	const chars = over === 1 ? 'character' : 'characters';
	return `This message is ${over.toLocaleString('en')} ${chars} over the limit of ${MESSAGE_MAX.toLocaleString('en')}. Shorten it or split it into several messages.`;
}
