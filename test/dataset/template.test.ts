import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/dataset/template.js';

describe('renderTemplate', () => {
  it('replaces placeholders, with or without inner whitespace', () => {
    expect(renderTemplate('Hi {{name}}, {{ greeting }}!', { name: 'Ann', greeting: 'welcome' })).toEqual({ text: 'Hi Ann, welcome!' });
  });

  it('accepts Chinese names and values', () => {
    expect(renderTemplate('写一首关于{{ 主题 }}的诗', { 主题: '秋天' })).toEqual({ text: '写一首关于秋天的诗' });
  });

  it('reports the first missing variable', () => {
    expect(renderTemplate('{{a}} {{b}} {{c}}', { a: '1' })).toEqual({ missing: 'b' });
  });

  it('does no nested lookups and ignores inherited properties', () => {
    expect(renderTemplate('{{user.name}}', { user: 'x' })).toEqual({ missing: 'user.name' });
    expect(renderTemplate('{{user.name}}', { 'user.name': 'Ann' })).toEqual({ text: 'Ann' });
    expect(renderTemplate('{{constructor}}', {})).toEqual({ missing: 'constructor' });
    expect(renderTemplate('{{toString}}', {})).toEqual({ missing: 'toString' });
  });

  it('writes \\{{ as a literal {{', () => {
    expect(renderTemplate('Go: \\{{ .Name }} and {{x}}', { x: '1' })).toEqual({ text: 'Go: {{ .Name }} and 1' });
    expect(renderTemplate('\\{{x}}', {})).toEqual({ text: '{{x}}' });
  });

  it('leaves text that is not placeholder-shaped alone', () => {
    expect(renderTemplate('a {{ }} b {{a b}} c {{ d', {})).toEqual({ text: 'a {{ }} b {{a b}} c {{ d' });
    expect(renderTemplate('{ {x} }', {})).toEqual({ text: '{ {x} }' });
  });

  it('does not rescan substituted values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}' })).toEqual({ text: '{{b}}' });
    expect(renderTemplate('{{a}}', { a: '$& $1' })).toEqual({ text: '$& $1' });
  });
});
