// Reads the struct declarations of a Go API package (types.go and friends) into facts keyed by
// type name: each field's Go name, whether it is a pointer, its json/protobuf/patch struct tags
// and the `+marker` lines of its comment block; plus the markers above the type itself.

function markersOf(comments) {
  return comments.map((c) => c.trim()).filter((c) => c.startsWith('+')).map((c) => c.slice(1));
}

function parseTags(tagText) {
  const tags = {};
  for (const m of tagText.matchAll(/(\w+):"([^"]*)"/g)) tags[m[1]] = m[2];
  return tags;
}

/** Structs of one Go source file: Map<typeName, {markers, fields[]}>. */
export function parseGoStructs(text, into = new Map()) {
  let comments = [];
  let current = null;
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('//')) { comments.push(line.replace(/^\/\/\s?/, '')); continue; }
    if (!current) {
      // `type List metav1.List`: a struct defined in another package; resolved by the caller.
      const alias = /^type\s+(\w+)\s+(\w+)\.(\w+)\s*$/.exec(line);
      if (alias) into.set(alias[1], { name: alias[1], aliasOf: { pkg: alias[2], name: alias[3] }, markers: markersOf(comments), fields: [] });
      const m = /^type\s+(\w+)\s+struct\s*\{\s*$/.exec(line);
      if (m) { current = { name: m[1], markers: markersOf(comments), fields: [] }; depth = 1; }
      comments = [];
      continue;
    }
    if (line === '') { comments = []; continue; }
    if (depth > 1) {
      // An anonymous nested struct: not part of the wire schema; skip its body.
      depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      continue;
    }
    if (line.startsWith('}')) { into.set(current.name, current); current = null; comments = []; continue; }
    if (/\{\s*$/.test(line)) { depth++; comments = []; continue; }
    const m = /^(?:(\w+)\s+)?([*\[\]\w.]+(?:\[[^\]]*\][*\w.]+)?)\s*(?:`([^`]*)`)?/.exec(line);
    if (m) {
      const goType = m[2];
      const tags = m[3] ? parseTags(m[3]) : {};
      current.fields.push({ goName: m[1] ?? goType.replace(/^\*/, '').split('.').pop(), goType, embedded: !m[1], tags, markers: markersOf(comments) });
    }
    comments = [];
  }
  return into;
}
