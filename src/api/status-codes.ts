import { authGuidance } from './panel.js';

/** What each documented `response.status.code` means, and what the user should do about it. */
export interface StatusMeaning {
  meaning: string;
  nextStep: string;
}

const DOCUMENTED: Record<number, StatusMeaning> = {
  400: { meaning: 'the API could not parse the request', nextStep: 'This is a bug in iletimerkezi-mcp; please report it.' },
  // The client names the credentials' real source in its own message; this is the stdio default.
  401: { meaning: 'authentication failed', nextStep: authGuidance('environment') },
  402: { meaning: 'the account balance is insufficient', nextStep: 'Top up the account in the panel.' },
  404: {
    meaning: 'no such API method',
    nextStep: 'Check ILETIMERKEZI_BASE_URL; it should be https://api.iletimerkezi.com/v1.',
  },
  422: { meaning: 'the request values failed validation', nextStep: 'This is likely a bug in iletimerkezi-mcp; please report it.' },
  455: {
    meaning: 'order not found, or it has not started sending yet',
    nextStep: 'Check the order id (list_orders shows them); an order just submitted appears once it starts sending.',
  },
  456: { meaning: 'the order is scheduled and its send time has not come', nextStep: 'Ask again after its send time.' },
  458: {
    meaning: 'the API rejected the date range',
    nextStep: 'The client splits ranges into 10-day windows, so this is a bug in iletimerkezi-mcp; please report it.',
  },
  464: { meaning: 'the page number was refused', nextStep: 'This is a bug in iletimerkezi-mcp; please report it.' },
  503: { meaning: 'the API is temporarily unavailable', nextStep: 'Try again in a few minutes.' },
};

/** 450–473 concern sending, groups, contacts and İYS, which this server never calls. */
const SENDING_RANGE = { from: 450, to: 473 };

export function describeStatus(code: number): StatusMeaning | undefined {
  const documented = DOCUMENTED[code];
  if (documented) return documented;
  if (code >= SENDING_RANGE.from && code <= SENDING_RANGE.to) {
    return { meaning: 'the API refused the request', nextStep: 'Check the account state in the panel.' };
  }
  if (code >= 500 && code <= 599) {
    return { meaning: 'the API had a server error', nextStep: 'Try again in a few minutes.' };
  }
  return undefined;
}

export function isTransientStatus(code: number): boolean {
  return code >= 500 && code <= 599;
}
