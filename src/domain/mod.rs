//! Domain types and their validation. No I/O: values are parsed at the boundary
//! (`Uscc::parse`, `Grade::parse`…) so that an invalid one cannot exist inside.

pub mod checklist;
pub mod codes;
pub mod directory;
pub mod followup;
pub mod message;
pub mod password;
pub mod publication;
pub mod registration;
pub mod result_code;
pub mod text;
pub mod uscc;

pub use codes::{EntityStatus, Grade, Level, Method, OfficerStatus};
pub use directory::{Directory, Entity, Inspection, Listing, Matter, Officer, Recusal};
pub use message::Message;
pub use uscc::{Uscc, UsccError};
