//! The CLI's commands that do more than call one service: `import` (progress, rejects) and
//! `token` (API tokens).

pub mod import;
pub mod token;

pub use import::import;
pub use token::token;
