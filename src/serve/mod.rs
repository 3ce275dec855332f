//! `concord serve`: the site kept in memory, served over HTTP on loopback,
//! rebuilt as files change, with every open tab reloaded.

pub mod preview;
