/**
 * `javascript`: a custom check.
 *
 * - An expression, or a function body with `return` (`output.split('\n').length === 3`,
 *   `const data = JSON.parse(output); return data.items.length > 0;`). It runs in a fresh
 *   node:vm context per answer with a hard time limit (--js-timeout, microtasks included). In
 *   scope: `output`, `vars`, `rowId`, `model`, `params`, `latencyMs`, `ttftMs`,
 *   `completionTokens`, and `context` holding them all.
 * - `file:path.js` or `file:path.js#name`: a module (relative to the dataset), imported once before
 *   the run; its default export (or the named one) is called as `fn(output, context)`. It must
 *   return synchronously (the result is written with the request's row); it runs in qfbench's own
 *   context, so its time is measured and an overrun fails, but a module that never returns hangs
 *   the run: keep loops in expressions, where the limit is hard.
 *
 * A check returns `true` / `false`, or `{pass: boolean, reason?: string}`; anything else, a throw
 * or a timeout fails with what happened. node:vm is not a security boundary: these checks are the
 * dataset author's own code and are trusted as such.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Script, createContext } from 'node:vm';
import { AssertionValueError, assertionType, type AssertionSubject, type Verdict } from './types.js';
import { quote, textValue } from './values.js';

type CheckFunction = (output: string, context: Record<string, unknown>) => unknown;

type Compiled =
  { kind: 'expression'; source: string; script: Script; timeoutMs: number } | { kind: 'module'; reference: string; run: CheckFunction; timeoutMs: number };

function compileScript(source: string): Script {
  try {
    return new Script(`(${source}\n)`, { filename: 'javascript assertion' });
  } catch {
    // Not an expression: a function body with its own `return`.
  }
  try {
    return new Script(`(function () {\n${source}\n})()`, { filename: 'javascript assertion' });
  } catch (error) {
    throw new AssertionValueError(`javascript ${quote(source, 40)} does not compile: ${(error as Error).message}`);
  }
}

async function importCheck(reference: string, baseDir: string): Promise<CheckFunction> {
  const [path = '', exportName = 'default'] = reference.slice('file:'.length).split('#');
  const file = resolve(baseDir, path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new AssertionValueError(`javascript ${reference}: cannot import ${file}: ${(error as Error).message}`);
  }
  const fn = module[exportName];
  if (typeof fn !== 'function')
    throw new AssertionValueError(
      `javascript ${reference}: ${file} has no ${exportName === 'default' ? 'default export' : `export ${JSON.stringify(exportName)}`} that is a function`,
    );
  return fn as CheckFunction;
}

function contextOf(subject: AssertionSubject): Record<string, unknown> {
  const { output, latencyMs, ttftMs, completionTokens, context } = subject;
  return { output, rowId: context.rowId, vars: { ...context.vars }, model: context.model, params: { ...context.params }, latencyMs, ttftMs, completionTokens };
}

/** What a check returned, as a verdict. Values may come from another realm (the vm context). */
function verdictOf(result: unknown): Verdict {
  if (typeof result === 'boolean') return { pass: result, reason: `returned ${result}` };
  if (typeof result === 'object' && result !== null) {
    const record = result as Record<string, unknown>;
    if (typeof record['then'] === 'function') return { unknown: 'returned a Promise; a check must return its result synchronously' };
    if (typeof record['pass'] === 'boolean') {
      const reason = typeof record['reason'] === 'string' && record['reason'] !== '' ? record['reason'] : `returned pass: ${record['pass']}`;
      return { pass: record['pass'], reason };
    }
  }
  const shown = typeof result === 'string' ? quote(result, 40) : String(result);
  return { unknown: `returned ${shown}; a check returns true, false or {pass, reason}` };
}

export const javascript = assertionType({
  name: 'javascript',
  expects: 'an expression, a function body with return, or file:module.js[#export]',
  compile: async (raw, { baseDir, jsTimeoutMs }): Promise<Compiled> => {
    const source = textValue(raw, 'javascript').trim();
    if (source.startsWith('file:')) return { kind: 'module', reference: source, run: await importCheck(source, baseDir), timeoutMs: jsTimeoutMs };
    return { kind: 'expression', source, script: compileScript(source), timeoutMs: jsTimeoutMs };
  },
  describe: (compiled) => (compiled.kind === 'module' ? compiled.reference : quote(compiled.source, 40)),
  check: (compiled, subject) => {
    const scope = contextOf(subject);
    if (compiled.kind === 'expression') {
      // A fresh context per answer: nothing one check leaves behind reaches the next.
      const sandbox = createContext({ ...scope, context: { ...scope } }, { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
      try {
        return verdictOf(compiled.script.runInContext(sandbox, { timeout: compiled.timeoutMs }));
      } catch (error) {
        return failureOf(error, compiled.timeoutMs);
      }
    }
    const started = performance.now();
    try {
      const result = compiled.run(subject.output, scope);
      const elapsed = performance.now() - started;
      if (elapsed > compiled.timeoutMs) return { unknown: `took ${Math.round(elapsed)} ms, over the ${compiled.timeoutMs} ms limit` };
      return verdictOf(result);
    } catch (error) {
      return failureOf(error, compiled.timeoutMs);
    }
  },
});

function failureOf(error: unknown, timeoutMs: number): Verdict {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { unknown: `took longer than the ${timeoutMs} ms limit` };
  const message = typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  return { unknown: `threw: ${message}` };
}
