/**
 * kwok manages nodes carrying this annotation. Such nodes have no container
 * runtime: pods only look Running, so exec, port-forward and packet filtering
 * cannot be observed there and runtime probes are skipped.
 */
export const fakeNodeAnnotation = 'kwok.x-k8s.io/node';
