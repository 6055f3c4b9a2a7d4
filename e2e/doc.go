// Package e2e holds OSB's end-to-end tests and benchmarks: the real embedded
// Temporal server, a real PostgreSQL, the worker and the HTTP API, driven as
// the SSG, Logistics, Finance and the SLT would drive them.
package e2e
