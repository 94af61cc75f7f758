// The kubelet's streaming and log paths, as the API server calls them.
export type AgentRoute =
  | { kind: 'healthz' }
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string };

export function parseAgentPath(pathname: string): AgentRoute | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [head, ns, pod, ...rest] = parts;
  if (head === 'healthz' && parts.length === 1) return { kind: 'healthz' };
  if (!ns || !pod) return undefined;
  // /exec/<ns>/<pod>/<container> and the older /exec/<ns>/<pod>/<uid>/<container>.
  const container = rest.length === 1 ? rest[0]! : rest.length === 2 ? rest[1]! : undefined;
  switch (head) {
    case 'containerLogs':
      return container ? { kind: 'containerLogs', namespace: ns, pod, container } : undefined;
    case 'exec':
    case 'attach':
      return container ? { kind: head, namespace: ns, pod, container } : undefined;
    case 'portForward':
      return rest.length <= 1 ? { kind: 'portForward', namespace: ns, pod } : undefined;
    default:
      return undefined;
  }
}
