/**
 * Kubernetes expands `$(NAME)` in a container's command and args, and turns `$$` into `$`. A text
 * meant literally (a user's flag value, a shell script) has every `$` doubled so it reaches the
 * process unchanged.
 */
export function kubeLiteral(text: string): string {
  // A function, not the string '$$$$': in a replacement string `$$` itself means one `$`.
  return text.replace(/\$/g, () => '$$');
}
