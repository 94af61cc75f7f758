// Turns one proto message plus its Go struct facts into kites' one-line table form.
//
//   message := ["!" msgflags " "] field (" " field)*
//   field   := jsonName ":" protoNumber ":" type (":" flag)*
//   type    := s|i|l|b|d|f|y (string,int32,int64,bool,double,float,bytes)
//            | "@" WellKnown | LocalMessage | fully.qualified.Message
//   flags   := r repeated | m map | o omitempty | p pointer | q required | i inline (Go embedded,
//              JSON-flattened) | x not in JSON | k=<patchMergeKey> | s=<patchStrategy>
//            | l=<listType> | K=<listMapKey,...> | t=<mapType>
//   msgflags:= a (+structType=atomic) | w (a Go slice type: JSON is the `items` array itself)
// The format is documented for readers in src/api/schema/table-format.ts.

const SCALAR_CODES = { string: 's', int32: 'i', int64: 'l', bool: 'b', double: 'd', float: 'f', bytes: 'y', uint32: 'l', uint64: 'l', sint32: 'i', sint64: 'l', fixed32: 'l', fixed64: 'l', sfixed32: 'i', sfixed64: 'l' };

export const WELL_KNOWN = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'Duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'FieldsV1',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'RawExtension',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': 'JSON',
};

function marker(markers, key) {
  const vals = markers.filter((m) => m.startsWith(`${key}=`)).map((m) => m.slice(key.length + 1));
  return vals;
}

function typeCode(type, pkg) {
  if (type.scalar) return SCALAR_CODES[type.scalar];
  if (WELL_KNOWN[type.ref]) return `@${WELL_KNOWN[type.ref]}`;
  const local = type.ref.startsWith(`${pkg}.`) ? type.ref.slice(pkg.length + 1) : '';
  return local && !local.includes('.') ? local : type.ref;
}

function check(value, what) {
  if (/[\s:]/.test(value)) throw new Error(`${what} ${JSON.stringify(value)} cannot be written to the table`);
  return value;
}

export function encodeMessage(msg, goStruct, pkg, warnings) {
  const msgFlags = [];
  const allMarkers = [...msg.markers, ...(goStruct?.markers ?? [])];
  if (allMarkers.includes('structType=atomic')) msgFlags.push('a');
  const isWrapper = allMarkers.includes('protobuf.nullable=true') && msg.fields.length === 1 && msg.fields[0].name === 'items' && msg.fields[0].repeated;
  if (isWrapper) msgFlags.push('w');
  if (!goStruct && !isWrapper && !WELL_KNOWN[`${pkg}.${msg.name}`] && msg.fields.length > 0) warnings.push(`no Go struct for ${msg.name}`);

  const byNumber = new Map();
  for (const f of goStruct?.fields ?? []) {
    const num = Number((f.tags.protobuf ?? '').split(',')[1]);
    if (num) byNumber.set(num, f);
  }

  const parts = msg.fields.map((pf) => {
    const gf = byNumber.get(pf.number);
    if (goStruct && !gf && !WELL_KNOWN[`${pkg}.${msg.name}`]) warnings.push(`${msg.name}.${pf.name}: no Go field with protobuf number ${pf.number}`);
    const markers = [...pf.markers, ...(gf?.markers ?? [])];
    const [jsonName = '', ...jsonOpts] = (gf?.tags.json ?? pf.name).split(',');
    const flags = [];
    if (pf.repeated) flags.push('r');
    if (pf.map) flags.push('m');
    if (jsonOpts.includes('omitempty') || jsonOpts.includes('omitzero')) flags.push('o');
    if (gf?.goType.startsWith('*')) flags.push('p');
    const inline = gf !== undefined && gf.embedded && jsonName === '';
    if (inline) flags.push('i');
    if (jsonName === '-') flags.push('x');
    // kube-openapi's rule: +required makes a field required, +optional optional; without either,
    // a json `omitempty` makes it optional.
    const required = markers.includes('required') ? true : markers.includes('optional') ? false : !jsonOpts.includes('omitempty');
    if (required && !inline && jsonName !== '-') flags.push('q');
    const mergeKey = gf?.tags.patchMergeKey ?? marker(markers, 'patchMergeKey')[0];
    const strategy = gf?.tags.patchStrategy ?? marker(markers, 'patchStrategy')[0];
    if (mergeKey) flags.push(`k=${check(mergeKey, 'patchMergeKey')}`);
    if (strategy) flags.push(`s=${check(strategy, 'patchStrategy')}`);
    // Declarative-validation markers (+k8s:listType …) say the same thing in newer types.
    const listType = marker(markers, 'listType')[0] ?? marker(markers, 'k8s:listType')[0];
    if (listType) flags.push(`l=${check(listType, 'listType')}`);
    const mapKeys = [...new Set([...marker(markers, 'listMapKey'), ...marker(markers, 'k8s:listMapKey')])];
    if (mapKeys.length) flags.push(`K=${mapKeys.map((k) => check(k, 'listMapKey')).join(',')}`);
    const mapType = marker(markers, 'mapType')[0];
    if (mapType) flags.push(`t=${check(mapType, 'mapType')}`);
    const name = inline || jsonName === '-' || jsonName === '' ? pf.name : jsonName;
    return [check(name, 'field name'), pf.number, typeCode(pf.type, pkg), ...flags].join(':');
  });
  return [msgFlags.length ? `!${msgFlags.join('')}` : '', ...parts].filter(Boolean).join(' ');
}
