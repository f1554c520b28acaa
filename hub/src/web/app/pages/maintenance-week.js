// Maintenance windows as a week calendar: seven days, each listing the windows that run on it (weekly ones on
// their days, one-off ones on the days they overlap), the current one highlighted.
import { html, useState } from '../html.js';

const DAY_MS = 86_400_000;
const NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Midnight (local) of the Monday of the week containing `d`. */
export function weekStart(d) {
  const x = new Date(d);
  x.setHours(0, 0, 0, 0);
  x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
  return x;
}

/** The windows on one local day: [{w, text}]. Weekly windows are shown in their own time zone. */
export function windowsOn(windows, day) {
  const start = day.getTime();
  const end = start + DAY_MS;
  const out = [];
  for (const w of windows) {
    const s = w.schedule;
    if (s.type === 'once') {
      const a = Date.parse(s.starts_at);
      const b = Date.parse(s.ends_at);
      if (a < end && b > start) {
        const from =
          a >= start ? new Date(a).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '…';
        const to =
          b <= end ? new Date(b).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '…';
        out.push({ w, text: `${from}–${to}` });
      }
    } else if (s.days.includes(day.getDay())) {
      out.push({ w, text: `${s.start}–${s.end}${s.end < s.start ? ' (next day)' : ''} ${s.timezone}` });
    }
  }
  return out;
}

export function WeekCalendar({ windows, scopeOf }) {
  const [offset, setOffset] = useState(0);
  const first = weekStart(Date.now() + offset * 7 * DAY_MS);
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const days = Array.from({ length: 7 }, (_, i) => new Date(first.getTime() + i * DAY_MS + 3 * 3600_000)).map(
    (d) => {
      d.setHours(0, 0, 0, 0);
      return d;
    },
  );
  const label = `${days[0].toLocaleDateString()} – ${days[6].toLocaleDateString()}`;
  return html`<section aria-label="Week calendar" data-testid="maintenance-week">
    <div class="title-row"><h3>Week of ${label}</h3>
      <div class="actions">
        <button type="button" onClick=${() => setOffset(offset - 1)} aria-label="Previous week">‹ Previous</button>
        <button type="button" onClick=${() => setOffset(0)} disabled=${offset === 0}>This week</button>
        <button type="button" onClick=${() => setOffset(offset + 1)} aria-label="Next week">Next ›</button>
      </div>
    </div>
    <div class="week">${days.map((d) => {
      const on = windowsOn(windows, d);
      return html`<div class=${`day${d.getTime() === today.getTime() ? ' today' : ''}`} role="group" aria-label=${`${NAMES[d.getDay()]} ${d.toLocaleDateString()}`}>
        <h3>${NAMES[d.getDay()].slice(0, 3)} ${d.getDate()}</h3>
        ${on.map(
          ({
            w,
            text,
          }) => html`<div class=${`slot${w.active_now ? ' active' : ''}${w.enabled ? '' : ' disabled'}`}>
          <strong>${w.name}</strong><br />${text}<br /><span class="muted">${scopeOf(w.scope)}${w.enabled ? '' : ' · disabled'}${w.active_now ? ' · active now' : ''}</span></div>`,
        )}
      </div>`;
    })}</div>
  </section>`;
}
