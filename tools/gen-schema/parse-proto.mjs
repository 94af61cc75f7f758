// Reads one upstream generated.proto (proto2, as written by go-to-protobuf) into plain facts:
// package, messages, fields (name, number, type, repeated/map) and the `+marker` lines of the
// comments above each message and field. Only the subset go-to-protobuf emits is understood.

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'double', 'float', 'bytes', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/** Marker lines (`// +listType=map`) of a comment block, without the leading `+`. */
function markersOf(comments) {
  return comments.map((c) => c.trim()).filter((c) => c.startsWith('+')).map((c) => c.slice(1));
}

/** Resolve a type reference to a fully qualified name (no leading dot) or a scalar name. */
function resolveType(t, pkg) {
  if (SCALARS.has(t)) return { scalar: t };
  if (t.startsWith('.')) return { ref: t.slice(1) };
  return { ref: `${pkg}.${t}` };
}

export function parseProto(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '');
  let pkg = '';
  const messages = [];
  let current = null;
  let comments = [];
  for (const raw of src.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('//')) { comments.push(line.replace(/^\/\/\s?/, '')); continue; }
    if (line === '') { if (!current) comments = []; continue; }
    let m;
    if ((m = /^package\s+([\w.]+);/.exec(line))) { pkg = m[1]; comments = []; continue; }
    if ((m = /^message\s+(\w+)\s*\{/.exec(line))) {
      if (current) throw new Error(`nested message ${m[1]} in ${current.name} is not supported`);
      current = { name: m[1], markers: markersOf(comments), fields: [] };
      comments = [];
      continue;
    }
    if (line === '}') { if (current) messages.push(current); current = null; comments = []; continue; }
    if (!current) { comments = []; continue; }
    if ((m = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)/.exec(line))) {
      current.fields.push({ name: m[3], number: Number(m[4]), type: resolveType(m[2], pkg), repeated: m[1] === 'repeated', map: false, markers: markersOf(comments) });
    } else if ((m = /^map\s*<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)/.exec(line))) {
      if (m[1] !== 'string') throw new Error(`map key ${m[1]} in ${current.name}.${m[3]} is not supported`);
      current.fields.push({ name: m[3], number: Number(m[4]), type: resolveType(m[2], pkg), repeated: false, map: true, markers: markersOf(comments) });
    } else if (!/^(option|reserved|oneof)\b/.test(line)) {
      throw new Error(`unexpected proto line in ${current.name}: ${line}`);
    }
    comments = [];
  }
  return { package: pkg, messages };
}
