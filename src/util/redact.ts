/**
 * Secrets (API keys, secret keys, access tokens, Bearer keys) are registered the moment they are
 * read or fetched, and every line qfbench prints or writes about errors passes through `redact`;
 * answers pass through `redactSecrets`. Defence in depth: the code already avoids putting secrets
 * in messages; this catches what a server or library echoes back.
 *
 * A text that is cut short must be redacted before the cut (`cutRedacted`): cutting first would
 * leave the start of a secret that straddles the cut, which no later redaction recognises.
 */
/** Registered values, longest first, so a secret that contains another is replaced whole. */
let secrets: string[] = [];

/** Shorter values are ignored: they would redact ordinary words. */
const MIN_SECRET_CHARS = 6;
/** A cut that keeps this many leading characters of a secret hides them too. */
const MIN_PARTIAL_CHARS = 4;
const MASK = '***';

/** Registers a secret value, with the spellings a server may echo it in (URL-encoded, JSON-escaped). */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_CHARS) return;
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  let added = false;
  for (const form of forms) {
    if (!secrets.includes(form)) {
      secrets.push(form);
      added = true;
    }
  }
  if (added) secrets = [...secrets].sort((a, b) => b.length - a.length);
}

/** Forgets every registered secret (tests only). */
export function clearSecrets(): void {
  secrets = [];
}

/** Replaces every registered secret in `text` (for answers: nothing else is touched). */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(MASK);
  }
  return result;
}

/** Registered secrets and query-string credentials in any URL a library or server might quote. */
export function redact(text: string): string {
  return redactSecrets(text).replace(/((?:access_token|client_secret|client_id|api_key)=)[^&\s"']+/gi, `$1${MASK}`);
}

/**
 * `text` redacted, then cut to `maxChars` (plus `…`). When the cut ends inside what starts like a
 * registered secret (its first MIN_PARTIAL_CHARS or more characters), that start is masked too.
 */
export function cutRedacted(text: string, maxChars: number): string {
  const redacted = redact(text);
  if (redacted.length <= maxChars) return redacted;
  let cut = redacted.slice(0, maxChars);
  // Do not leave half a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${maskPartialSecretAtEnd(cut)}…`;
}

/** Masks a trailing run of characters that is the beginning of a registered secret. */
export function maskPartialSecretAtEnd(text: string): string {
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length >= MIN_PARTIAL_CHARS; length--) {
      if (text.endsWith(secret.slice(0, length))) return `${text.slice(0, text.length - length)}${MASK}`;
    }
  }
  return text;
}
