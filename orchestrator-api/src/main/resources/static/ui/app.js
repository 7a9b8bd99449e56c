// Gale's web UI: a hash router over pages that read the public REST API.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api.js';
import { h } from './ui.js';
import { LoginPage } from './pages/login.js';
import { DagsPage } from './pages/dags.js';
import { DagPage } from './pages/dag.js';
import { TriggerPage } from './pages/trigger.js';
import { RunPage } from './pages/run.js';
import { AssetsPage } from './pages/assets.js';
import { AssetPage } from './pages/asset.js';
import { WorkersPage } from './pages/workers.js';
import { PoolsPage } from './pages/pools.js';
import { HitlInboxPage } from './pages/hitl.js';
import { HitlRequestPage } from './pages/hitl-request.js';

/** Every page has a URL: #/dags, #/dags/{dagId}, #/dags/{dagId}/trigger, #/dags/{dagId}/runs/{runId}, #/hitl/{id}, … */
function route(hash) {
  const [path, queryString] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(queryString || ''));
  const [section, id, sub, subId] = parts;
  if (section === 'login') return { page: LoginPage, props: { next: query.next }, nav: '' };
  if (section === 'assets' && id) return { page: AssetPage, props: { name: id, query }, nav: 'assets' };
  if (section === 'assets') return { page: AssetsPage, props: {}, nav: 'assets' };
  if (section === 'workers') return { page: WorkersPage, props: {}, nav: 'workers' };
  if (section === 'hitl' && id) return { page: HitlRequestPage, props: { id }, nav: 'hitl' };
  if (section === 'hitl') return { page: HitlInboxPage, props: { query }, nav: 'hitl' };
  if (section === 'pools') return { page: PoolsPage, props: {}, nav: 'pools' };
  if (section === 'dags' && id && sub === 'trigger') return { page: TriggerPage, props: { dagId: id }, nav: 'dags' };
  if (section === 'dags' && id && sub === 'runs' && subId) {
    return { page: RunPage, props: { dagId: id, runId: subId, query }, nav: 'dags' };
  }
  if (section === 'dags' && id) return { page: DagPage, props: { dagId: id, query }, nav: 'dags' };
  return { page: DagsPage, props: {}, nav: 'dags' };
}

function App() {
  const [hash, setHash] = useState(location.hash);
  const [signedIn, setSignedIn] = useState(Boolean(session.token()));
  useEffect(() => {
    const changed = () => setHash(location.hash);
    const signedOut = () => setSignedIn(false);
    window.addEventListener('hashchange', changed);
    window.addEventListener('gale-signed-out', signedOut);
    return () => { window.removeEventListener('hashchange', changed); window.removeEventListener('gale-signed-out', signedOut); };
  }, []);
  const current = route(hash);
  // Signed out, any page shows the sign-in form and keeps its URL, so a shared link works after signing in.
  const page = signedIn && current.page !== LoginPage ? current
    : { page: LoginPage, props: { next: current.page === LoginPage ? current.props.next : hash, onSignedIn: () => setSignedIn(true) }, nav: '' };
  const link = (name, label) => h('a', { href: `#/${name}`, class: page.nav === name ? 'active' : '' }, label);
  const signOut = () => { session.signOut(); setSignedIn(false); };
  return h('div', { class: 'shell' },
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/dags' }, 'Gale'),
      page.page === LoginPage ? null : h('nav', null, link('dags', 'DAGs'), link('assets', 'Assets'),
        link('hitl', 'Inbox'),
        link('workers', 'Workers'), link('pools', 'Pools'), h('button', { class: 'link', id: 'sign-out', onClick: signOut }, 'Sign out'))),
    h('main', null, h(page.page, { ...page.props, key: `${page.page.name}:${hash.split('?')[0]}` })));
}

const root = document.getElementById('app');
root.textContent = '';
render(h(App), root);
