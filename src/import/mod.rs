//! Import files (CSV in UTF-8 or GBK, JSON Lines) into validated directory rows.
