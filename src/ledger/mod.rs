//! The hash-audited log: canonical entries, the RFC 6962 Merkle tree, signed checkpoints.
