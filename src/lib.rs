//! foundry-lint: a static linter for the network and encryption prerequisites of Microsoft
//! Foundry Agent Service deployments on a customer's own virtual network.
//!
//! Data flows one way: `frontend` (parse and evaluate Terraform, ARM, Bicep) -> `model` (one
//! language-neutral network model) -> `rules` (run by `engine`) -> `report`.

pub mod baseline;
pub mod calendar;
pub mod cidr;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod fix;
pub mod frontend;
pub mod json;
pub mod model;
pub mod node;
pub mod report;
pub mod rules;
pub mod server;
pub mod settings;
pub mod source;
pub mod suppression;
pub mod value;
