//! Users of the HTTP API and their tokens (stored as hashes only).
