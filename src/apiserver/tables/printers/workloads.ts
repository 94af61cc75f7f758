// Workload controllers: Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers,
// ControllerRevisions, PodTemplates. Server-side tables always carry the wide columns; kubectl
// shows priority-1 columns only with `-o wide`.

import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, containersColumn, imagesColumn, nameColumn, selectorColumn } from '../columns.js';
import { age, containerCells, formatLabels, formatLabelSelector, name, num, obj, selectorString, spec, status, templateSpec } from '../format.js';
import type { Printer } from '../types.js';

/** Replica counts default to 1 when unset, as defaulting would have stored them. */
const desired = (o: KubeObject): number => num(spec(o).replicas, 1);

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Ready pods out of desired replicas.'),
    col('Up-to-date', 'string', 'Pods running the latest pod template.'),
    col('Available', 'string', 'Pods available to serve (ready for at least minReadySeconds).'),
    ageColumn(), containersColumn(), imagesColumn(), selectorColumn(),
  ],
  print: (o, ctx) => {
    const st = status(o);
    const sel = selectorString(spec(o).selector);
    return {
      cells: [
        name(o), `${num(st.readyReplicas)}/${desired(o)}`, num(st.updatedReplicas), num(st.availableReplicas), age(o, ctx),
        ...containerCells(templateSpec(o)), sel === undefined ? '<invalid>' : sel,
      ],
    };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', 'Replicas wanted.'),
    col('Current', 'integer', 'Replicas that exist.'),
    col('Ready', 'integer', 'Replicas that are ready.'),
    ageColumn(), containersColumn(), imagesColumn(), selectorColumn(),
  ],
  print: (o, ctx) => {
    const st = status(o);
    return {
      cells: [
        name(o), desired(o), num(st.replicas), num(st.readyReplicas), age(o, ctx),
        ...containerCells(templateSpec(o)), formatLabelSelector(spec(o).selector),
      ],
    };
  },
};

export const replicationControllerPrinter: Printer = {
  columns: replicaSetPrinter.columns,
  print: (o, ctx) => {
    const st = status(o);
    return {
      cells: [
        name(o), desired(o), num(st.replicas), num(st.readyReplicas), age(o, ctx),
        ...containerCells(templateSpec(o)), formatLabels(spec(o).selector),
      ],
    };
  },
};

export const statefulSetPrinter: Printer = {
  columns: [nameColumn(), col('Ready', 'string', 'Ready pods out of desired replicas.'), ageColumn(), containersColumn(), imagesColumn()],
  print: (o, ctx) => ({
    cells: [name(o), `${num(status(o).readyReplicas)}/${desired(o)}`, age(o, ctx), ...containerCells(templateSpec(o))],
  }),
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Nodes running the updated daemon pod.'),
    col('Available', 'integer', 'Nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'The node selector of the pod template.'),
    ageColumn(), containersColumn(), imagesColumn(), selectorColumn(),
  ],
  print: (o, ctx) => {
    const st = status(o);
    return {
      cells: [
        name(o), num(st.desiredNumberScheduled), num(st.currentNumberScheduled), num(st.numberReady), num(st.updatedNumberScheduled),
        num(st.numberAvailable), formatLabels(templateSpec(o).nodeSelector), age(o, ctx),
        ...containerCells(templateSpec(o)), formatLabelSelector(spec(o).selector),
      ],
    };
  },
};

export const controllerRevisionPrinter: Printer = {
  columns: [nameColumn(), col('Controller', 'string', 'The controller owning the revision.'), col('Revision', 'string', 'The revision number.'), ageColumn()],
  print: (o, ctx) => {
    const owner = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = '<none>';
    if (owner) {
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
      controller = `${(group ? `${owner.kind}.${group}` : owner.kind).toLowerCase()}/${owner.name}`;
    }
    return { cells: [name(o), controller, num(o.revision), age(o, ctx)] };
  },
};

export const podTemplatePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels of the pod template.'),
  ],
  print: (o) => {
    const template = obj(o.template);
    return { cells: [name(o), ...containerCells(obj(template.spec)), formatLabels(obj(template.metadata).labels)] };
  },
};

