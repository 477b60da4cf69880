//! shuangsui (双随): "double random, one public" inspection draws that are committed before
//! their randomness exists, run exactly once, and re-verifiable by anyone.
//!
//! See `docs/ARCHITECTURE.md` for the code map and `docs/DRAW-SPEC.md` for the draw.

pub mod annual;
pub mod app;
pub mod bundle;
pub mod calendar;
pub mod canonical;
pub mod cli;
pub mod commitment;
pub mod discrepancy;
pub mod domain;
pub mod draw;
pub mod entropy;
pub mod import;
pub mod keyfile;
pub mod ledger;
pub mod mapped;
pub mod monitor;
pub mod pages;
pub mod plan;
pub mod projection;
pub mod registry;
pub mod stats;
pub mod store;
pub mod web;
pub mod witness;
