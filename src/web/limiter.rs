//! Counts failed authentications per client address and refuses clients over the limit.
