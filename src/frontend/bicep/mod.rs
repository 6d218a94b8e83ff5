//! The Bicep front end: a hand-written lexer and recursive-descent parser for `.bicep` and
//! `.bicepparam` files. See [`parser`] for the grammar and [`ast`] for the tree.

pub mod ast;
pub mod lexer;
pub mod load;
pub mod parser;
pub mod program;
pub mod references;
pub mod registry;
mod trace;

pub use parser::{MAX_DEPTH, SyntaxError, parse};
