/** What workloads run, read as the kubelet, the shell and the program itself read it: pure, no I/O. */
export { commandLine, type Arg } from './arg.js';
export { containersOf, type ContainerEntry, type ContainerType } from './containers.js';
export { findInvocations, type Invocation, type ProgramMatcher } from './invocations.js';
export { whyNotScheduled } from './nodes.js';
export { kubectlProxy, type KubectlOutcome, type KubectlProxyFacts } from './programs/kubectl.js';
export { rolloutProblems } from './rollout.js';
export { podSpecSources, type PodSpecSource } from './sources.js';
