import { useState } from 'preact/hooks';
import { get, session } from '../api.js';
import { ErrorBox, h } from '../ui.js';

/** Sign in with an API token; it is kept in sessionStorage, so it ends with the browser session. */
export function LoginPage({ next, onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const submit = async event => {
    event.preventDefault();
    session.signIn(token.trim());
    try {
      await get('/dags?limit=1');
      const target = next && !next.startsWith('#/login') ? next : '#/dags';
      if (location.hash !== target) location.hash = target;
      onSignedIn();
    } catch (e) {
      session.signOut();
      setError(e);
    }
  };
  return h('form', { class: 'card login', onSubmit: submit },
    h('h1', null, 'Sign in to Gale'),
    h('p', null, 'Paste an API token. Standalone writes an admin token to ', h('code', null, '$GALE_HOME/admin-token'),
      '; admins make more with POST /api/v1/tokens. The token stays in this browser tab\'s session only.'),
    h('label', { for: 'token' }, 'API token'),
    h('input', { id: 'token', type: 'password', autocomplete: 'off', value: token, required: true,
      onInput: e => setToken(e.target.value) }),
    h(ErrorBox, { error }),
    h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'));
}
