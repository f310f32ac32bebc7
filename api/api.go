// Package api holds the OpenAPI description of Gears' JSON API, served at
// /api/openapi.yaml and kept true to the handlers by the web tests.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of /api/v1.
//
//go:embed openapi.yaml
var OpenAPI []byte
