// Writes tests/conformance/data/regex/cases.json: random patterns of the ECMAScript syntax
// promptctl accepts, random texts, and where V8's RegExp (with the `u` flag, so that text is
// read as code points) finds each pattern's match, as UTF-8 byte offsets.
//   node tests/conformance/make_regex_cases.js > tests/conformance/data/regex/cases.json
'use strict';

const count = Number(process.argv[2] || 2000);
let seed = Number(process.argv[3] || 20261207);

// mulberry32: a small seeded generator, so the same arguments give the same cases.
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n) => Math.floor(random() * n);
const any = (list) => list[pick(list.length)];

const quantifiers = ['*', '+', '?', '{2}', '{1,3}', '{0,}', '{0,2}', '*?', '+?', '??', '{1,2}?'];
const escapes = ['\\w', '\\s', '\\d', '\\S', '\\W', '[^\\s]', 'é', '[à-ÿ]', '\\n', '\\.', '[a-c\\d]'];

function alternation(depth) {
  const alternatives = [];
  for (let i = 1 + pick(3); i > 0; --i) {
    let sequence = '';
    for (let j = pick(4); j > 0; --j) sequence += term(depth + 1);
    alternatives.push(sequence);
  }
  return alternatives.join('|');
}

function term(depth) {
  let atom;
  switch (pick(depth > 3 ? 5 : 11)) {
    case 0: case 1: case 2: atom = any(['a', 'b', 'c']); break;
    case 3: atom = '.'; break;
    case 4: atom = any(['[ab]', '[^a]']); break;
    case 5: atom = '(' + alternation(depth) + ')'; break;
    case 6: atom = '(?:' + alternation(depth) + ')'; break;
    case 7: return any(['^', '$']);
    case 8: return any(['(?=', '(?!']) + alternation(depth) + ')';
    case 9: return any(['\\b', '\\B']);
    default: atom = any(escapes); break;
  }
  return pick(3) === 0 ? atom + any(quantifiers) : atom;
}

const letters = ['a', 'b', 'c', ' ', 'x', '\n', '1', '.', 'é', '😀'];
const text = () => Array.from({length: pick(9)}, () => any(letters)).join('');
const bytes = (s) => Buffer.byteLength(s);
// Between the two halves of a character outside the BMP: a place UTF-8 text does not have.
const splitsAPair = (s, i) => i > 0 && i < s.length && /[\ud800-\udbff]/.test(s[i - 1]);

const cases = [];
while (cases.length < count) {
  const pattern = alternation(0);
  const subject = text();
  let match;
  try {
    match = new RegExp(pattern, 'u').exec(subject);
  } catch (e) {
    continue;
  }
  const end = match ? match.index + match[0].length : 0;
  if (match && (splitsAPair(subject, match.index) || splitsAPair(subject, end))) continue;
  cases.push({
    pattern,
    text: subject,
    match: match ? [bytes(subject.slice(0, match.index)), bytes(subject.slice(0, end))] : null,
  });
}
process.stdout.write('[\n' + cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]\n');
