// The label selector string grammar, tokenised and parsed the way upstream's labels.Parse does so
// that accepted inputs, the resulting requirements and the error texts all agree:
//   selector    ::= requirement ("," requirement)*
//   requirement ::= ["!"] KEY [ ("in"|"notin") "(" values ")" | ("="|"=="|"!="|">"|"<") VALUE ]

import { errors } from '../errors.js';
import { isLabelKey } from './label-validation.js';
import { formatFieldErrors, goValue, fieldErrorText } from './field-error-text.js';
import { newLabelSelectorUnchecked, requirementErrors, type LabelOperator, type LabelRequirement, type LabelSelector } from './labels.js';

type Tok = 'end' | 'ident' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'in' | 'notin' | 'error';
interface Item { tok: Tok; lit: string }

const symbolTokens: Record<string, Tok> = { '(': '(', ')': ')', ',': ',', '!': '!', '=': '=', '==': '==', '!=': '!=', '>': '>', '<': '<' };
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSymbol = (c: string) => '=!(),><'.includes(c);
const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

function lex(s: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSymbol(s[i])) {
      // Longest run of symbols that still forms an operator ("!=", "=="), as upstream's scanner.
      let buf = '';
      let last: Item | undefined;
      while (i < s.length && isSymbol(s[i])) {
        const next = buf + s[i];
        if (symbolTokens[next]) {
          buf = next;
          last = { tok: symbolTokens[next], lit: next };
          i++;
        } else if (last) {
          break;
        } else {
          buf = next;
          i++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let j = i;
    while (j < s.length && !isSymbol(s[j]) && !isSpace(s[j])) j++;
    const word = s.slice(i, j);
    i = j;
    items.push({ tok: word === 'in' || word === 'notin' ? word : 'ident', lit: word });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In value position the keywords `in` and `notin` are plain identifiers. */
  private peek(asValue: boolean): Item {
    const it = this.items[this.pos];
    return asValue && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'ident', lit: it.lit } : it;
  }
  private next(asValue: boolean): Item {
    const it = this.peek(asValue);
    this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'end') return reqs;
      if (tok !== 'ident' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const after = this.next(true);
      if (after.tok === 'end') return reqs;
      if (after.tok !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.tok !== 'ident' && following.tok !== '!') throw new Error(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let negated = false;
    let it = this.next(true);
    if (it.tok === '!') {
      negated = true;
      it = this.next(true);
    }
    if (it.tok !== 'ident') throw new Error(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    const keyErrs = isLabelKey(key);
    if (keyErrs.length) throw new Error(fieldErrorText({ field: undefined, value: goValue(key), detail: keyErrs.join('; ') }));
    const la = this.peek(true).tok;
    if (negated || la === 'end' || la === ',') {
      // A bare key means Exists; "!key" means DoesNotExist. Anything after "!key" is left for the
      // caller, which then reports the unexpected token.
      return build(key, negated ? '!' : 'exists', []);
    }
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return build(key, op, [...new Set(values)].sort());
  }

  private operator(): LabelOperator {
    const { tok, lit } = this.next(false);
    switch (tok) {
      case 'in': return 'in';
      case 'notin': return 'notin';
      case '=': return '=';
      case '==': return '==';
      case '!=': return '!=';
      case '>': return 'gt';
      case '<': return 'lt';
      default: throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private setValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.pos++;
      return [''];
    }
    if (tok !== 'ident' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    if (this.next(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  /** Comma-separated identifiers where empty entries ("(,a)", "(a,,b)", "(a,)") mean "". */
  private identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'ident') {
        values.push(lit);
        const la = this.peek(true);
        if (la.tok === ',') continue;
        if (la.tok === ')') return values;
        throw new Error(`found '${la.lit}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        if (values.length === 0) values.push('');
        const la = this.peek(true).tok;
        if (la === ')') {
          values.push('');
          return values;
        }
        if (la === ',') values.push('');
        continue;
      }
      throw new Error(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const la = this.peek(true).tok;
    if (la === 'end' || la === ',') return [''];
    const { tok, lit } = this.next(true);
    if (tok === 'ident') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

function build(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw new Error(formatFieldErrors(errs));
  return { key, operator, values };
}

/**
 * Parses `?labelSelector=` / `kubectl -l` syntax. Invalid input throws a 400 BadRequest whose
 * message is upstream's parse error (e.g. `unable to parse requirement: found '', expected: …`).
 */
export function parseLabelSelector(selector: string): LabelSelector {
  try {
    return newLabelSelectorUnchecked(new Parser(lex(selector)).parse());
  } catch (e) {
    throw errors.badRequest((e as Error).message);
  }
}
