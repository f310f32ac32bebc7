// Package gears is the domain of Gears, a self-hosted social media workflow
// system: the types, their rules and the service interfaces that the rest of
// the program implements. It imports only the standard library.
//
// Social media work turns on three gears — strategy, maintenance, and
// metrics & reports — each made of activities. Gears estimates the hours of
// each activity (package workload), tracks the real hours against that plan
// and runs the work itself.
package gears
