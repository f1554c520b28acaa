// Login: the refresh token comes back as an httpOnly cookie; only the access token is kept, in memory.
import { html, useState } from '../html.js';
import { login } from '../session.js';
import { ErrorNote, Field, useAction } from '../ui.js';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(() => login(username, password));
  const submit = (e) => {
    e.preventDefault();
    action.run();
  };
  return html`<main class="login" id="main">
    <form onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Outpost</h1>
      <p>Log in to the hub.</p>
      <${Field} label="Username"><input name="username" autocomplete="username" required autofocus value=${username} onInput=${(e) => setUsername(e.target.value)} /></${Field}>
      <${Field} label="Password"><input name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} /></${Field}>
      <${ErrorNote} error=${action.error} />
      <button type="submit" class="primary" disabled=${action.busy}>${action.busy ? 'Logging in…' : 'Log in'}</button>
      <p class="hint">First start: user <code>admin</code>, password printed by <code>npm start</code> (also in <code>data/initial-admin-password</code>).</p>
    </form>
  </main>`;
}
