// The scheduling framework's extension points as small interfaces, with upstream's status codes.
// A scheduling cycle is synchronous (one pod at a time, as upstream's scheduleOne); only binding
// is asynchronous, so a filter never sees the cache change under it.
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { SchedulerCache } from './cache.js';
import type { QuantityParser } from './resources.js';

export enum Code {
  Success = 'Success',
  Error = 'Error',
  /** The pod does not fit now; preemption or cluster changes might help. */
  Unschedulable = 'Unschedulable',
  /** The pod cannot fit on this node whatever is preempted. */
  UnschedulableAndUnresolvable = 'UnschedulableAndUnresolvable',
  /** PreFilter/PreScore: the plugin has nothing to do for this pod. */
  Skip = 'Skip',
}

export class Status {
  plugin = '';
  constructor(readonly code: Code, readonly reasons: string[] = []) {}

  static unschedulable(...reasons: string[]): Status { return new Status(Code.Unschedulable, reasons); }
  static unresolvable(...reasons: string[]): Status { return new Status(Code.UnschedulableAndUnresolvable, reasons); }
  static error(reason: string): Status { return new Status(Code.Error, [reason]); }
  static skip(): Status { return new Status(Code.Skip); }

  isUnschedulable(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  message(): string {
    return this.reasons.join(', ');
  }
}

/** Per-cycle scratch space plugins share between their extension points (upstream CycleState). */
export type CycleState = Map<string, unknown>;

/** What plugins may look at beyond the pod and node in hand. */
export interface Handle {
  cache: SchedulerCache;
  parser: QuantityParser;
  /** A namespace's labels (for namespaceSelector); undefined if unknown. */
  namespaceLabels(ns: string): Record<string, string> | undefined;
  /** The pod's effective priority (spec.priority, else resolved from its PriorityClass). */
  priorityOf(pod: PodInfo['pod']): number;
}

export interface Plugin { readonly name: string }

/** null means Success (saves an allocation per node on the hot path). */
export type Result = Status | null;

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result;
}

export interface PostFilterResult {
  /** Set when the plugin could not help: appended to the FitError message. */
  message?: string;
  /** Preemption: the node the pod should get once `victims` are gone. */
  nominatedNodeName?: string;
  victims?: PodInfo[];
}

export interface PostFilterPlugin extends Plugin {
  /** `runFilters` re-runs every Filter plugin (with this cycle's state) on a node, e.g. a simulated one. */
  postFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>, numAllNodes: number, runFilters: (node: NodeInfo) => Status | null): PostFilterResult;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result;
}

export interface ScorePlugin extends Plugin {
  readonly weight: number;
  /** Raw score for one node; normalizeScores (if any) then maps them into 0..maxNodeScore. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScores?(state: CycleState, pod: PodInfo, scores: Float64Array): void;
}

export interface BindPlugin extends Plugin {
  /** Bindings are short and always run to completion (the scheduler waits for them on stop). */
  bind(pod: PodInfo, nodeName: string): Promise<Result>;
}

export const maxNodeScore = 100;

export function isPreFilter(p: Plugin): p is PreFilterPlugin { return typeof (p as PreFilterPlugin).preFilter === 'function'; }
export function isFilter(p: Plugin): p is FilterPlugin { return typeof (p as FilterPlugin).filter === 'function'; }
export function isPostFilter(p: Plugin): p is PostFilterPlugin { return typeof (p as PostFilterPlugin).postFilter === 'function'; }
export function isPreScore(p: Plugin): p is PreScorePlugin { return typeof (p as PreScorePlugin).preScore === 'function'; }
export function isScore(p: Plugin): p is ScorePlugin { return typeof (p as ScorePlugin).score === 'function'; }
export function isBind(p: Plugin): p is BindPlugin { return typeof (p as BindPlugin).bind === 'function'; }

/**
 * upstream's DefaultNormalizeScore: scales scores so the largest becomes maxNodeScore, reversed
 * (largest → 0) when `reverse`; all equal to zero stays zero (or maxNodeScore if reversed).
 */
export function defaultNormalizeScore(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxNodeScore);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.floor((maxNodeScore * scores[i]!) / max);
    scores[i] = reverse ? maxNodeScore - s : s;
  }
}
