//! Operator commands of the `chatalot-server` binary besides serving: the health
//! probe Docker runs, and database backup and restore.

pub mod backup;
pub mod health;
