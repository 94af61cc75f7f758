"""End-to-end check of kites with the official Python client (python3-kubernetes).

Usage: python_client.py KUBECONFIG NAMESPACE
Creates, reads, lists, patches, watches and deletes ConfigMaps; prints one JSON line of results.
"""
import json
import sys
import threading

from kubernetes import client, config, watch


def main():
    kubeconfig, ns = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    apps = client.AppsV1Api()
    out = {}
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    # Labelled objects only: the namespace's kube-root-ca.crt ConfigMap appears on its own schedule.
    start_rv = v1.list_namespaced_config_map(ns, label_selector="from=python").metadata.resource_version

    events = []

    def watcher():
        w = watch.Watch()
        for ev in w.stream(v1.list_namespaced_config_map, ns, label_selector="from=python", resource_version=start_rv, timeout_seconds=10):
            events.append((ev["type"], ev["object"].metadata.name))
            if len(events) >= 3:
                w.stop()

    t = threading.Thread(target=watcher)
    t.start()
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py", labels={"from": "python"}), data={"a": "1"})
    v1.create_namespaced_config_map(ns, cm)
    got = v1.read_namespaced_config_map("py", ns)
    out["read"] = got.data
    v1.patch_namespaced_config_map("py", ns, {"data": {"b": "2"}})
    out["patched"] = v1.read_namespaced_config_map("py", ns).data
    out["listed"] = [c.metadata.name for c in v1.list_namespaced_config_map(ns, label_selector="from=python").items]
    v1.delete_namespaced_config_map("py", ns)
    t.join(timeout=15)
    out["events"] = events
    dep = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="pyd"),
        spec=client.V1DeploymentSpec(
            replicas=0,
            selector=client.V1LabelSelector(match_labels={"app": "pyd"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "pyd"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox", command=["sleep", "1"])]),
            ),
        ),
    )
    apps.create_namespaced_deployment(ns, dep)
    scale = apps.read_namespaced_deployment_scale("pyd", ns)
    out["scale"] = scale.spec.replicas
    apps.patch_namespaced_deployment_scale("pyd", ns, {"spec": {"replicas": 3}})
    out["replicas"] = apps.read_namespaced_deployment("pyd", ns).spec.replicas
    try:
        v1.read_namespaced_config_map("missing", ns)
        out["missing"] = "no error"
    except client.exceptions.ApiException as e:
        out["missing"] = e.status
    print(json.dumps(out))


if __name__ == "__main__":
    main()
