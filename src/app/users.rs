//! Users of the HTTP API: roles, tokens shown once and stored as hashes, authentication.
