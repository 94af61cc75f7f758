// PersistentVolumeClaim volumes on a node without volume plugins: a claim bound to a hostPath or
// local PersistentVolume is that host directory (what a local-path provisioner creates). Until
// the claim is bound the pod waits with FailedMount events, as upstream's volume manager does.
import type { RestClient } from '../../client/rest-client.js';
import { isNotFound } from '../../client/status.js';
import { VolumeError } from './volumes.js';

type Claim = { spec?: { volumeName?: string }; status?: { phase?: string } };
type Volume = { spec?: { hostPath?: { path?: string }; local?: { path?: string } } };

export async function claimHostPath(client: RestClient, namespace: string, claim: string): Promise<string> {
  let pvc: Claim;
  try {
    pvc = (await client.resource({ group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true }).get(namespace, claim)) as unknown as Claim;
  } catch (e) {
    if (isNotFound(e)) throw new VolumeError(`persistentvolumeclaim "${claim}" not found`);
    throw e;
  }
  const pvName = pvc.spec?.volumeName;
  if (!pvName || pvc.status?.phase !== 'Bound') throw new VolumeError(`persistentvolumeclaim "${claim}" is not bound`);
  let pv: Volume;
  try {
    pv = (await client.resource({ group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false }).get(undefined, pvName)) as unknown as Volume;
  } catch (e) {
    if (isNotFound(e)) throw new VolumeError(`persistentvolume "${pvName}" not found`);
    throw e;
  }
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) throw new VolumeError(`persistentvolume "${pvName}" is neither hostPath nor local: the node agent cannot attach it`);
  return path;
}
