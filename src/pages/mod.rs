//! The public pages, pure: plain data (`model`) in, HTML, CSV, `.xlsx` and SVG out. No I/O, no
//! clock, no database; the web adapter (`web::public`) fills the model and serves the text.

pub mod annual;
pub mod chart;
pub mod console;
pub mod csv;
pub mod doc;
pub mod followups;
pub mod model;
pub mod plan_words;
pub mod render;
pub mod result_form;
pub mod stats;
pub mod text;
pub mod xlsx;

#[cfg(test)]
mod tests;
