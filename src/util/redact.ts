/**
 * Secrets (API keys, secret keys, access tokens) are registered once when they are read, and every
 * line qfbench prints or writes about errors passes through `redact`. Defence in depth: the code
 * already avoids putting secrets in messages; this catches what a server or library echoes back.
 */
const secrets = new Set<string>();

/** Registers a secret value; very short values are ignored (they would redact ordinary words). */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 6) secrets.add(value);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  // Query-string credentials in any URL a library might quote.
  return result.replace(/((?:access_token|client_secret|client_id|api_key)=)[^&\s"']+/gi, '$1***');
}
