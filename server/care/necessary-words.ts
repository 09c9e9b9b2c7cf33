/**
 * For one rule's regular expression, a set of literal strings at least one of which every match must
 * contain. The screen runs a rule only when one of them is in the message: a long message then costs a
 * few substring searches per rule instead of a full regex scan for each of 120 rules.
 *
 * It is derived from the pattern itself (never written by hand, so it cannot drift from the rule):
 * a small parser for the subset the rules use (literals, `\b`, `\w`, `\d`, groups, alternation,
 * classes, `?`, `*`, `+`, `{m,n}`, `$`). Anything it does not understand makes it give up (`undefined`),
 * and then the rule always runs, so a gap in the parser costs speed, never recall.
 */

type Item = { kind: 'char'; char: string; min: number; max: number } | { kind: 'group'; alternatives: Item[][]; min: number } | { kind: 'other'; min: number };

class Unsupported extends Error {}

function parse(source: string): Item[][] {
  let position = 0;
  function alternatives(): Item[][] {
    const result: Item[][] = [sequence()];
    while (source[position] === '|') {
      position += 1;
      result.push(sequence());
    }
    return result;
  }
  function sequence(): Item[] {
    const items: Item[] = [];
    while (position < source.length && source[position] !== '|' && source[position] !== ')') {
      const character = source[position] as string;
      let item: Item | undefined;
      if (character === '(') {
        position += 1;
        if (source.startsWith('?:', position)) position += 2;
        else if (source[position] === '?') throw new Unsupported('lookaround');
        const inner = alternatives();
        if (source[position] !== ')') throw new Unsupported('unclosed group');
        position += 1;
        item = { kind: 'group', alternatives: inner, min: 1 };
      } else if (character === '\\') {
        const next = source[position + 1];
        position += 2;
        if (next === 'b' || next === 'B') continue; // zero-width: neither adds nor breaks a literal
        if (next === 'w' || next === 'd' || next === 's' || next === 'W' || next === 'D' || next === 'S') item = { kind: 'other', min: 1 };
        else throw new Unsupported(`escape ${next}`);
      } else if (character === '[') {
        const end = source.indexOf(']', position + 1);
        if (end < 0) throw new Unsupported('unclosed class');
        position = end + 1;
        item = { kind: 'other', min: 1 };
      } else if (character === '^' || character === '$') {
        position += 1;
        continue;
      } else if (character === '.' || character === '*' || character === '+' || character === '?' || character === '{') {
        throw new Unsupported(`bare ${character}`);
      } else {
        position += 1;
        item = { kind: 'char', char: character, min: 1, max: 1 };
      }
      // A quantifier changes how many times the item must appear.
      const quantifier = source[position];
      let min = 1;
      let max = 1;
      if (quantifier === '?' || quantifier === '*') {
        min = 0;
        max = Number.POSITIVE_INFINITY;
        position += 1;
      } else if (quantifier === '+') {
        max = Number.POSITIVE_INFINITY;
        position += 1;
      } else if (quantifier === '{') {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(position));
        if (match === null) throw new Unsupported('quantifier');
        min = Number(match[1]);
        max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
        position += match[0].length;
      }
      if (source[position] === '?') position += 1; // lazy: same counts
      if (item.kind === 'char') items.push({ ...item, min, max });
      else items.push({ ...item, min: Math.min(item.min, min) === 0 ? 0 : 1 });
    }
    return items;
  }
  const result = alternatives();
  if (position !== source.length) throw new Unsupported('trailing');
  return result;
}

/** Literal sets a sequence needs; the best one (fewest strings, then longest shortest) or undefined. */
function necessaryOfSequence(items: Item[]): string[] | undefined {
  const candidates: string[][] = [];
  let run = '';
  const endRun = () => {
    if (run.length > 0) candidates.push([run]);
    run = '';
  };
  for (const item of items) {
    if (item.kind === 'char' && item.min >= 1) {
      run += item.char;
      if (item.max !== 1) endRun();
      continue;
    }
    endRun();
    if (item.kind === 'group' && item.min >= 1) {
      const needed = necessaryOfAlternatives(item.alternatives);
      if (needed !== undefined) candidates.push(needed);
    }
  }
  endRun();
  let best: string[] | undefined;
  const shortest = (strings: string[]) => Math.min(...strings.map((text) => text.trim().length));
  for (const candidate of candidates) {
    if (shortest(candidate) < 3) continue;
    if (best === undefined || candidate.length < best.length || (candidate.length === best.length && shortest(candidate) > shortest(best))) best = candidate;
  }
  return best;
}

function necessaryOfAlternatives(alternatives: Item[][]): string[] | undefined {
  const union = new Set<string>();
  for (const sequence of alternatives) {
    const needed = necessaryOfSequence(sequence);
    if (needed === undefined) return undefined;
    for (const text of needed) union.add(text);
  }
  return [...union];
}

/** Literal strings of which any match of `pattern` contains at least one, or undefined when none can be derived. */
export function necessaryStrings(pattern: RegExp): string[] | undefined {
  if (pattern.flags.replace(/[gy]/g, '') !== '') return undefined;
  try {
    return necessaryOfAlternatives(parse(pattern.source));
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
