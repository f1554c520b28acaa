// Account: who you are, change password (every other session ends).
import { html, useState } from '../html.js';
import { changePassword, currentUser } from '../session.js';
import { ErrorNote, Field, useAction } from '../ui.js';

export function AccountPage() {
  const user = currentUser();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction(async () => {
    if (next !== again) throw new Error('the two new passwords differ');
    await changePassword(current, next);
    setDone(true);
    setCurrent('');
    setNext('');
    setAgain('');
  });
  return html`<section>
    <h1>Account</h1>
    <p>${user.username} · role <strong>${user.role}</strong>${user.email ? ` · ${user.email}` : ''}</p>
    <form class="card narrow" onSubmit=${(e) => {
      e.preventDefault();
      setDone(false);
      action.run();
    }}>
      <h2>Change password</h2>
      <${Field} label="Current password"><input type="password" autocomplete="current-password" required value=${current} onInput=${(e) => setCurrent(e.target.value)} /></${Field}>
      <${Field} label="New password" hint="At least 12 characters, not a common password"><input type="password" autocomplete="new-password" required value=${next} onInput=${(e) => setNext(e.target.value)} /></${Field}>
      <${Field} label="New password again"><input type="password" autocomplete="new-password" required value=${again} onInput=${(e) => setAgain(e.target.value)} /></${Field}>
      <${ErrorNote} error=${action.error} />
      ${done ? html`<p class="ok" role="status">Password changed. Other sessions were logged out.</p>` : null}
      <button type="submit" class="primary" disabled=${action.busy}>Change password</button>
    </form>
  </section>`;
}
