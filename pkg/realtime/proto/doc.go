// Package proto is the wire vocabulary of the Ably Realtime protocol, JSON transport: the
// ProtocolMessage (TR4) with its actions (TR2) and flags (TR3), the messages it carries
// (TM2, TP3, TAN2), and the encoding of their payloads (RSL4, RSL6) including encryption
// (RSL5, RSE1).
//
// It holds no state and does no IO; a connection built on it decides when to send what.
package proto
