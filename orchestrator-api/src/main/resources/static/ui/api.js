// The public REST API under /api/v1, with the API token kept for this browser session only.
const TOKEN_KEY = 'gale.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: token => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refused request: status and the API's problem+json (detail, per-field errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `The server answered ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

function headers(extra) {
  const token = session.token();
  return { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

/** Sends a request; resolves to {status, body}, rejects with ApiError on 4xx and 5xx. */
export async function request(path, { method = 'GET', body, signal } = {}) {
  const response = await fetch(`/api/v1${path}`, {
    method, signal,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    session.signOut();
    window.dispatchEvent(new Event('gale-signed-out'));
  }
  if (!response.ok) {
    throw new ApiError(response.status, parsed);
  }
  return { status: response.status, body: parsed };
}

export const get = async path => (await request(path)).body;

/**
 * Follows /api/v1/events (server-sent events) with fetch, which, unlike EventSource, can send the
 * token in a header rather than in the URL. Calls onEvent(name, data) for each event and reconnects
 * after a pause when the stream ends. Returns a function that stops it.
 */
export function followEvents(filter, onEvent) {
  const abort = new AbortController();
  let stopped = false;
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
  (async () => {
    while (!stopped) {
      try {
        const response = await fetch(`/api/v1/events?${query}`, {
          headers: headers({ Accept: 'text/event-stream' }), signal: abort.signal,
        });
        if (response.status === 401) {
          session.signOut();
          window.dispatchEvent(new Event('gale-signed-out'));
          return;
        }
        if (response.ok) {
          onEvent('open', null);
          await readEvents(response.body, onEvent);
        }
      } catch (e) {
        if (stopped) return;
      }
      await new Promise(resolve => setTimeout(resolve, 3000));
    }
  })();
  return () => { stopped = true; abort.abort(); };
}

async function readEvents(stream, onEvent) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
