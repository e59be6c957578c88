// The NetworkPolicy reachability evaluator: pure, no I/O. Graders and `reach` use only this entry point.
export { buildNetworkModel, NetworkModel, type NetworkModelInput, type PodSelection } from './model.js';
export { evaluateConnection } from './evaluate.js';
export { reachabilityMatrix, type ReachabilityMatrix } from './matrix.js';
export { allowedConnections } from './connections.js';
export {
  explainFlow,
  judgeAllowlist,
  sideMatches,
  type AllowlistInput,
  type AllowlistVerdict,
  type Flow,
  type FlowRule,
  type FlowSide,
  type MatrixEndpoint,
} from './allowlist.js';
export { connectionsOf, describeConnections, isAllConnections, type ConnectionSet, type PortRange } from './connection-set.js';
export { externalEndpoint, podEndpoint } from './endpoints.js';
export { networkInputFromObjects } from './input.js';
export { cidrStrictlyInside, parseCidr, parseIp } from './cidr.js';
export { compileLabelSelector, type LabelMatcher } from './selector.js';
export {
  endpointName,
  formatIssue,
  isProtocol,
  protocols,
  type ConnectionQuery,
  type ConnectionVerdict,
  type DirectionVerdict,
  type Endpoint,
  type EndpointPort,
  type ExternalEndpoint,
  type InputIssue,
  type Outcome,
  type PodEndpoint,
  type Protocol,
  type RuleRef,
} from './types.js';
