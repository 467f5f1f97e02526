import { describe, expect, it } from 'vitest';
import { checkParamKeys, parseParamFlags } from '../../src/config/params.js';

const accepts = (...keys: string[]): ReadonlySet<string> => new Set(keys);

describe('-p keys that no model of the run accepts', () => {
  it('are refused with the closest real parameter', () => {
    const grid = parseParamFlags(['temprature=0.5']);
    expect(() => checkParamKeys(grid, [accepts('temperature', 'top_p')], false)).toThrow(
      '-p temprature: no model of this run accepts temprature; did you mean temperature? (--allow-unknown-params sends it anyway)',
    );
  });

  it('pass with --allow-unknown-params', () => {
    expect(() => checkParamKeys(parseParamFlags(['temprature=0.5']), [accepts('temperature')], true)).not.toThrow();
  });

  it('leave a key some model accepts to request validation (a warning there)', () => {
    expect(() =>
      checkParamKeys(parseParamFlags(['min_output_tokens=10']), [accepts('temperature'), accepts('temperature', 'min_output_tokens')], false),
    ).not.toThrow();
  });

  it('refuse a known request field that no model of the run accepts', () => {
    expect(() => checkParamKeys(parseParamFlags(['min_output_tokens=10']), [accepts('temperature')], false)).toThrow(
      /-p min_output_tokens: no model of this run accepts/,
    );
  });

  it('take a model of unknown parameters to accept the request fields qfbench knows', () => {
    expect(() => checkParamKeys(parseParamFlags(['top_k=5']), [undefined], false)).not.toThrow();
    expect(() => checkParamKeys(parseParamFlags(['temprature=0.5']), [undefined], false)).toThrow(/did you mean temperature\?/);
  });

  it('list every such key at once', () => {
    expect(() => checkParamKeys(parseParamFlags(['temprature=0.5', 'top_pp=0.9']), [accepts('temperature', 'top_p')], false)).toThrow(
      /temprature[^]*\n {2}-p top_pp: .*did you mean top_p\?/,
    );
  });
});
