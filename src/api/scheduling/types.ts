// The scheduling shapes shared by the scheduler and the controllers that place pods themselves
// (DaemonSet, node lifecycle): upstream keeps these helpers in component-helpers/scheduling.
export interface Toleration { key?: string; operator?: 'Exists' | 'Equal' | string; value?: string; effect?: string; tolerationSeconds?: number }
export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string; timeAdded?: string }
export interface NodeSelectorRequirement { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
