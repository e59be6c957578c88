// Pins the Pod Security admission module whose test data (4,537 upstream fixtures, every
// policy version v1.0 to v1.37) the conformance test checks the lab's evaluator against.
// Nothing is built from it: `go mod download` fetches the module, checksum-verified.
module k8s-sec-lab/psa-fixtures

go 1.26

require k8s.io/pod-security-admission v0.37.2
