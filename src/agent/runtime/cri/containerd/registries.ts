// k3s's registries.yaml (`--private-registry`) turned into containerd 1.6's CRI registry tables.
// k3s's format: `mirrors: {<host>: {endpoint: [url…], rewrite: {regex: repl}}}` and
// `configs: {<host>: {auth: {username, password, auth, identitytoken}, tls: {ca_file, cert_file,
// key_file, insecure_skip_verify}}}`. containerd 1.6 reads the same data from
// `plugins."io.containerd.grpc.v1.cri".registry.mirrors` / `.configs` (deprecated there in favour
// of hosts.toml directories, but hosts.toml in 1.6 has no credentials, so the tables are the one
// form that carries everything). As in CRI, the registry's own endpoint is tried after the mirrors.
import { parse as parseYaml } from 'yaml';

export interface RegistryMirror { endpoint: string[]; rewrite?: Record<string, string> }
export interface RegistryAuth { username?: string; password?: string; auth?: string; identitytoken?: string }
export interface RegistryTLS { ca_file?: string; cert_file?: string; key_file?: string; insecure_skip_verify?: boolean }
export interface RegistryConfig { auth?: RegistryAuth; tls?: RegistryTLS }
export interface Registries { mirrors: Record<string, RegistryMirror>; configs: Record<string, RegistryConfig> }

export class RegistriesFileError extends Error {}

function record(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RegistriesFileError(`${where}: expected a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw new RegistriesFileError(`${where}: expected a string`);
  return String(v);
}

function pick<T extends string>(obj: Record<string, unknown>, keys: readonly T[], where: string): Partial<Record<T, string>> {
  const out: Partial<Record<T, string>> = {};
  for (const k of keys) {
    const s = str(obj[k], `${where}.${k}`);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Parses the text of a registries.yaml; throws RegistriesFileError naming the bad field. */
export function parseRegistries(text: string): Registries {
  const doc = record(parseYaml(text) as unknown, 'registries.yaml');
  const mirrors: Record<string, RegistryMirror> = {};
  for (const [host, raw] of Object.entries(record(doc.mirrors, 'mirrors'))) {
    const m = record(raw, `mirrors.${host}`);
    const ep = m.endpoint ?? [];
    if (!Array.isArray(ep)) throw new RegistriesFileError(`mirrors.${host}.endpoint: expected a list`);
    const rewrite = Object.fromEntries(Object.entries(record(m.rewrite, `mirrors.${host}.rewrite`)).map(([k, v]) => [k, str(v, `mirrors.${host}.rewrite`) ?? '']));
    mirrors[host] = { endpoint: ep.map((e, i) => str(e, `mirrors.${host}.endpoint[${i}]`) ?? ''), ...(Object.keys(rewrite).length ? { rewrite } : {}) };
  }
  const configs: Record<string, RegistryConfig> = {};
  for (const [host, raw] of Object.entries(record(doc.configs, 'configs'))) {
    const c = record(raw, `configs.${host}`);
    const out: RegistryConfig = {};
    if (c.auth !== undefined) out.auth = pick(record(c.auth, `configs.${host}.auth`), ['username', 'password', 'auth', 'identitytoken'] as const, `configs.${host}.auth`);
    if (c.tls !== undefined) {
      const t = record(c.tls, `configs.${host}.tls`);
      out.tls = pick(t, ['ca_file', 'cert_file', 'key_file'] as const, `configs.${host}.tls`);
      if (t.insecure_skip_verify !== undefined) out.tls.insecure_skip_verify = t.insecure_skip_verify === true || t.insecure_skip_verify === 'true';
    }
    configs[host] = out;
  }
  return { mirrors, configs };
}

/** A TOML basic string (JSON's escapes are a subset of TOML's). */
export function tomlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * The CRI registry sections for containerd 1.6. `rewrite` is a k3s-fork extension upstream
 * containerd does not know: it is left out and reported through `warn`.
 */
export function registryToml(reg: Registries, warn: (msg: string) => void = () => {}): string {
  const base = '[plugins."io.containerd.grpc.v1.cri".registry';
  const lines: string[] = [];
  const mirrors = { ...reg.mirrors };
  // TLS settings for a registry mean HTTPS; containerd would otherwise speak plain HTTP to a
  // localhost registry (its default for loopback hosts), so such a registry gets its own https
  // endpoint (the default endpoint stays the fallback).
  for (const [host, c] of Object.entries(reg.configs)) {
    if (c.tls && !mirrors[host]) mirrors[host] = { endpoint: [`https://${host}`] };
  }
  for (const [host, m] of Object.entries(mirrors)) {
    lines.push(`${base}.mirrors.${tomlString(host)}]`);
    lines.push(`  endpoint = [${m.endpoint.map(tomlString).join(', ')}]`);
    if (m.rewrite) warn(`registries.yaml: mirror ${host}: rewrite rules are not supported by containerd 1.6 and are ignored`);
  }
  for (const [host, c] of Object.entries(reg.configs)) {
    if (c.auth && Object.keys(c.auth).length) {
      lines.push(`${base}.configs.${tomlString(host)}.auth]`);
      for (const [k, v] of Object.entries(c.auth)) if (v !== undefined) lines.push(`  ${k} = ${tomlString(v)}`);
    }
    if (c.tls && Object.keys(c.tls).length) {
      lines.push(`${base}.configs.${tomlString(host)}.tls]`);
      for (const [k, v] of Object.entries(c.tls)) {
        if (typeof v === 'boolean') lines.push(`  ${k} = ${v}`);
        else if (v !== undefined) lines.push(`  ${k} = ${tomlString(v)}`);
      }
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
