// Image references as the docker reference grammar (github.com/distribution/reference) reads
// them: `[domain/]path[:tag][@digest]`. The first component is a registry host when it has a dot
// or a colon or is `localhost`; otherwise the image lives on Docker Hub (`docker.io`), where a
// one-component name is under `library/`.
export interface ImageName {
  /** Registry host, with port if any: `docker.io`, `127.0.0.1:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

export class InvalidImageNameError extends Error {}

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const domainRe = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

export const DOCKER_HUB = 'docker.io';

export function parseImageName(image: string): ImageName {
  const bad = (why: string) => new InvalidImageNameError(`couldn't parse image reference ${JSON.stringify(image)}: ${why}`);
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw bad('invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) throw bad('invalid reference format');
  }
  if (!rest) throw bad('invalid reference format');
  let domain = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!domainRe.test(domain)) throw bad('invalid reference format');
    }
  }
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  const parts = path.split('/');
  if (parts.some((p) => p !== p.toLowerCase())) throw bad('invalid reference format: repository name must be lowercase');
  if (!parts.every((p) => component.test(p))) throw bad('invalid reference format');
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `docker.io/library/busybox`: the repository without tag or digest, as the credential keyring looks it up. */
export function repositoryOf(n: ImageName): string {
  return `${n.domain}/${n.path}`;
}

/** What the API server defaults imagePullPolicy to: Always for `:latest` or no tag/digest. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  try {
    const n = parseImageName(image);
    return n.digest || (n.tag && n.tag !== 'latest') ? 'IfNotPresent' : 'Always';
  } catch {
    return 'IfNotPresent';
  }
}
