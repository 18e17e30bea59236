//! Product recommendations, ranked locally: the model file format ([`model`]), the catalog
//! ([`catalog`]), what the visitor did ([`visitor`], derived from the profile) and the ranking
//! itself ([`rank`]). Building a model from session logs (`build`) is CLI-only (feature
//! `cli`), so the browser build carries only the reader.

#[cfg(feature = "cli")]
pub mod build;
pub mod catalog;
pub mod model;
mod order;
pub mod rank;
pub mod view;
pub mod visitor;

pub use catalog::{Catalog, Product};
pub use model::{Model, ModelError};
pub use rank::{recommend, Reason, Recommendation, Request, Settings, Strategy, Visitor};
