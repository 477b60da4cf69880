//! The HTTP adapter (axum): the JSON API under `/api/v1`, the public pages, roles and
//! tokens, hardening. Handlers call the same application functions as the CLI.

pub mod limiter;
