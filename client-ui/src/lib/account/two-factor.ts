/** Helpers for the two-factor settings: the QR image, the setup key and the backup codes file. */

/**
 * The server's QR code (an SVG document) as an image address. It is shown through
 * `<img>`, never inserted as markup, so nothing in it can run or reach the page.
 */
export function svgDataUrl(svg: string): string {
	const bytes = new TextEncoder().encode(svg);
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** The base32 setup key in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string[] {
	return secret.replace(/[\s=]/g, '').match(/.{1,4}/g) ?? [];
}

/** The text of the backup codes file. */
export function backupCodesText(options: {
	codes: readonly string[];
	username: string;
	server: string;
	created: Date;
}): string {
	return [
		'Chatalot two-factor backup codes',
		'',
		`Server:   ${options.server}`,
		`Username: ${options.username}`,
		`Created:  ${options.created.toISOString()}`,
		'',
		...options.codes.map((code, i) => `${String(i + 1).padStart(2, ' ')}. ${code}`),
		'',
		'Each code signs you in once instead of a code from your authenticator app.',
		'Making new codes (Account & security) stops these from working.',
		''
	].join('\n');
}

/** How many backup codes left is few enough to suggest new ones. */
export const FEW_BACKUP_CODES = 3;
