// The parts of core/v1 Pod, Node and scheduling/v1 PriorityClass the scheduler reads.
import type { KubeObject, ObjectMeta } from '../api/types.js';
import type { LabelSelectorObject } from '../api/selectors/index.js';
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../api/scheduling/types.js';

export type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration };

export interface ResourceList { [name: string]: string | number }

export interface ContainerPort { containerPort: number; hostPort?: number; protocol?: string; hostIP?: string }
export interface Container {
  name: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  ports?: ContainerPort[];
  restartPolicy?: string;
}


export interface NodeSelector { nodeSelectorTerms: NodeSelectorTerm[] }
export interface PreferredSchedulingTerm { weight: number; preference: NodeSelectorTerm }

export interface PodAffinityTerm {
  labelSelector?: LabelSelectorObject | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelectorObject | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}
export interface WeightedPodAffinityTerm { weight: number; podAffinityTerm: PodAffinityTerm }
export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}
export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
  podAffinity?: PodAffinity;
  podAntiAffinity?: PodAffinity;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string;
  labelSelector?: LabelSelectorObject | null;
  minDomains?: number;
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
}

export interface PodCondition { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string | null; lastTransitionTime?: string | null }

export interface PodSpec {
  nodeName?: string;
  schedulerName?: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulingGates?: { name: string }[];
}

export interface Pod extends KubeObject {
  metadata: ObjectMeta & { name: string; namespace: string };
  spec: PodSpec;
  status?: { phase?: string; conditions?: PodCondition[]; nominatedNodeName?: string; [k: string]: unknown };
}

export interface Node extends KubeObject {
  metadata: ObjectMeta & { name: string };
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { capacity?: ResourceList; allocatable?: ResourceList; [k: string]: unknown };
}

export interface PriorityClass extends KubeObject {
  metadata: ObjectMeta & { name: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

export interface Namespace extends KubeObject {
  metadata: ObjectMeta & { name: string };
}

export const defaultSchedulerName = 'default-scheduler';
