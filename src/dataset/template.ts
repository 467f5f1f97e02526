/**
 * Prompt templating: the smallest thing that works, on purpose.
 *
 * - `{{name}}` is replaced by `vars[name]`; whitespace inside the braces is allowed
 *   (`{{ name }}`). A name is any run of characters other than whitespace, `{` and `}`,
 *   so `{{主题}}` and `{{user.name}}` are fine — the latter is the flat key `"user.name"`,
 *   there are no nested lookups, filters or expressions, and nothing is ever executed.
 * - `\{{` is written out as a literal `{{` and is never a placeholder (`\{{name}}` gives
 *   `{{name}}`). There is no other escape: a backslash anywhere else is an ordinary character.
 * - Anything that is not shaped like a placeholder (`{{`, `{{ }}`, `{{a b}}`) stays as it is.
 * - One pass: substituted values are not scanned again, so a value may contain `{{`.
 * - A placeholder whose name is not in `vars` makes the whole render fail with `{ missing }`
 *   naming the first such name; callers turn that into an error with a location.
 */
export type TemplateResult = { text: string } | { missing: string };

const TOKEN = /\\\{\{|\{\{\s*([^\s{}]+)\s*\}\}/g;

export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): TemplateResult {
  if (!text.includes('{{')) return { text };
  let missing: string | undefined;
  const rendered = text.replace(TOKEN, (match: string, name: string | undefined) => {
    if (name === undefined) return '{{';
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      missing ??= name;
      return match;
    }
    return value;
  });
  return missing === undefined ? { text: rendered } : { missing };
}

/** The hint appended to every "unknown template variable" error. */
export const LITERAL_BRACES_HINT = 'write \\{{ for a literal "{{"';
