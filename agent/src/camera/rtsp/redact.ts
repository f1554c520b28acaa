/** Replaces the userinfo of every URL in `text` with `***`: `rtsp://***@host/path`. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, '$1***@');
}

/**
 * Redacts URLs and also any literal secret given (a password can surface in an error that quotes a command
 * line or a server's echo). Empty and very short secrets are left alone to keep text readable.
 */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = redactUrls(text);
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
    if (secret && secret.length >= 3) {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join('***');
    }
  }
  return out;
}

/** The URL with `username:password@` inserted (percent-encoded), for tools that take credentials only that way. */
export function withCredentials(url: string, username?: string, password?: string): string {
  if (!username) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}
