//go:build tools

// Package tools pins kwok, built from this module with
// `go build sigs.k8s.io/kwok/cmd/kwok`, so its version lives in go.sum.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
