//! The declarations of one Terraform module (a directory of `.tf` files).

use super::eval::header_span;
use crate::source::{FileId, Span};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use indexmap::IndexMap;
use std::collections::HashMap;

pub struct VariableDecl<'a> {
    pub block: &'a Block,
    pub file: FileId,
}

pub struct ResourceDecl<'a> {
    pub ty: String,
    pub name: String,
    pub block: &'a Block,
    pub file: FileId,
}

impl ResourceDecl<'_> {
    pub fn header_span(&self) -> Span {
        header_span(self.block, self.file)
    }
}

pub struct ModuleCallDecl<'a> {
    pub block: &'a Block,
    pub file: FileId,
}

impl ModuleCallDecl<'_> {
    pub fn header_span(&self) -> Span {
        header_span(self.block, self.file)
    }

    /// The `source` when it is a literal string (Terraform requires it to be).
    pub fn source(&self) -> Option<&str> {
        self.block.body.get_attribute("source")?.value.as_str()
    }
}

#[derive(Default)]
pub struct ModuleDecls<'a> {
    pub variables: HashMap<String, VariableDecl<'a>>,
    pub locals: HashMap<String, (&'a Expression, FileId)>,
    /// Managed resources by `type.name`, in declaration order.
    pub resources: IndexMap<String, ResourceDecl<'a>>,
    /// Data sources by `type.name`.
    pub data_sources: IndexMap<String, ResourceDecl<'a>>,
    /// `module` blocks by name, in declaration order.
    pub module_calls: IndexMap<String, ModuleCallDecl<'a>>,
    pub outputs: HashMap<String, &'a Expression>,
}

impl<'a> ModuleDecls<'a> {
    /// The declarations of a module's files (a file's syntax tree may be another file's with
    /// the same text: its offsets are the same).
    pub fn collect(files: impl IntoIterator<Item = (FileId, &'a Body)>) -> ModuleDecls<'a> {
        let mut decls = ModuleDecls::default();
        for (file, body) in files {
            let file = &file;
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        decls
                            .variables
                            .insert(name.to_string(), VariableDecl { block, file: *file });
                    }
                    ("locals", []) => {
                        for attr in block.body.attributes() {
                            decls
                                .locals
                                .insert(attr.key.as_str().to_string(), (&attr.value, *file));
                        }
                    }
                    ("resource", [ty, name]) => {
                        decls.resources.insert(
                            format!("{ty}.{name}"),
                            ResourceDecl {
                                ty: ty.to_string(),
                                name: name.to_string(),
                                block,
                                file: *file,
                            },
                        );
                    }
                    ("data", [ty, name]) => {
                        decls.data_sources.insert(
                            format!("{ty}.{name}"),
                            ResourceDecl {
                                ty: ty.to_string(),
                                name: name.to_string(),
                                block,
                                file: *file,
                            },
                        );
                    }
                    ("module", [name]) => {
                        decls
                            .module_calls
                            .insert(name.to_string(), ModuleCallDecl { block, file: *file });
                    }
                    ("output", [name]) => {
                        if let Some(value) = block.body.get_attribute("value") {
                            decls.outputs.insert(name.to_string(), &value.value);
                        }
                    }
                    _ => {}
                }
            }
        }
        decls
    }
}
