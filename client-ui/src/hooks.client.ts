import type { HandleClientError } from '@sveltejs/kit';

// An unknown address is a normal outcome (the +error page explains it), not a fault to log.
export const handleError: HandleClientError = ({ error, status, message }) => {
	if (status !== 404) console.error(error);
	return { message };
};
