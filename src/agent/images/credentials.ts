// Registry credentials from a pod's imagePullSecrets, matched to an image as upstream's
// credential keyring (pkg/credentialprovider) does: every key of a docker config is a URL without
// scheme (`host[:port][/path]`, `/v1/` and `/v2/` meaning the host itself); an image matches a
// key when the hosts match part by part (with `*` globs), the ports are equal and the key's path
// is a prefix of the image's. More specific keys come first. For Docker Hub images the keys
// `index.docker.io` (what `docker login` writes) and `registry-1.docker.io` also apply.
import type { AuthConfig } from '../runtime/types.js';
import { DOCKER_HUB } from './image-name.js';

export interface SecretLike { type?: string; data?: Record<string, string> }

interface Entry { username?: string; password?: string; auth?: string; email?: string; identitytoken?: string; registrytoken?: string }

export class DockerKeyring {
  private readonly creds = new Map<string, AuthConfig[]>();

  /** Adds the entries of a docker config (`{host: entry}`). */
  add(config: Record<string, Entry>): void {
    for (const [loc, e] of Object.entries(config)) {
      if (!e || typeof e !== 'object') continue;
      const u = parseLocation(loc);
      if (!u) continue;
      const path = u.path.replace(/^\/v[12](?=\/)/, '');
      const key = path && path !== '/' ? u.host + path : u.host;
      let { username, password } = e;
      if (e.auth) {
        // As upstream: a base64 `user:password` in `auth` gives the username and password.
        const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i >= 0) { username = decoded.slice(0, i); password = decoded.slice(i + 1); }
      }
      // No serverAddress, as upstream's keyring: containerd drops credentials whose server
      // address is not a URL naming the registry host.
      const auth: AuthConfig = {};
      if (username !== undefined) auth.username = username;
      if (password !== undefined) auth.password = password;
      if (e.identitytoken) auth.identityToken = e.identitytoken;
      if (e.registrytoken) auth.registryToken = e.registrytoken;
      const list = this.creds.get(key) ?? [];
      list.push(auth);
      this.creds.set(key, list);
    }
  }

  /** Credentials for `repository` (`host/path`, no tag), most specific key first. */
  lookup(repository: string): AuthConfig[] {
    const keys = [...this.creds.keys()].sort().reverse();
    const out: AuthConfig[] = [];
    const target = parseLocation(repository);
    if (!target) return out;
    for (const k of keys) {
      const g = parseLocation(k);
      if (g && urlsMatch(g, target)) out.push(...this.creds.get(k)!);
    }
    if (out.length || target.hostname !== DOCKER_HUB) return out;
    for (const alias of ['index.docker.io', 'registry-1.docker.io']) out.push(...(this.creds.get(alias) ?? []));
    return out;
  }
}

interface Location { host: string; hostname: string; port: string; path: string }

function parseLocation(loc: string): Location | undefined {
  const withScheme = /^https?:\/\//.test(loc) ? loc : `https://${loc}`;
  try {
    const u = new URL(withScheme.replace(/\*/g, '__glob__'));
    const host = u.host.replace(/__glob__/g, '*');
    return { host, hostname: u.hostname.replace(/__glob__/g, '*'), port: u.port, path: decodeURIComponent(u.pathname) };
  } catch {
    return undefined;
  }
}

function globPart(glob: string, s: string): boolean {
  const re = new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*') + '$');
  return re.test(s);
}

function urlsMatch(glob: Location, target: Location): boolean {
  if (glob.port !== target.port) return false;
  const g = glob.hostname.split('.');
  const t = target.hostname.split('.');
  if (g.length !== t.length) return false;
  const gp = glob.path === '/' ? '' : glob.path;
  if (!target.path.startsWith(gp)) return false;
  return g.every((p, i) => globPart(p, t[i]!));
}

/** The docker config inside a secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg. */
export function dockerConfigOf(secret: SecretLike): Record<string, Entry> | undefined {
  const read = (key: string): unknown => {
    const b64 = secret.data?.[key];
    if (!b64) return undefined;
    try {
      return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  };
  if (secret.type === 'kubernetes.io/dockercfg') {
    const v = read('.dockercfg');
    return v && typeof v === 'object' ? (v as Record<string, Entry>) : undefined;
  }
  if (secret.type === 'kubernetes.io/dockerconfigjson') {
    const v = read('.dockerconfigjson') as { auths?: unknown } | undefined;
    return v?.auths && typeof v.auths === 'object' ? (v.auths as Record<string, Entry>) : undefined;
  }
  return undefined;
}
