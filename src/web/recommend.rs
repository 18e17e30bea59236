//! `Recommender`: the catalog and model as the lazily loaded `js/recommend.js` sees them. It
//! converts values and calls `core::recommend`; ranking reads the visitor from the `Runtime`'s
//! engine at the time of the call.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::{error, from_js, millis, to_js};
use super::runtime::Runtime;
use crate::core::recommend::{self, visitor, Catalog, Model, Request, Settings};

/// The catalog and model of one page.
#[wasm_bindgen]
pub struct Recommender {
    model: Option<Model>,
    catalog: Catalog,
}

#[wasm_bindgen]
impl Recommender {
    /// No model, an empty catalog.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Recommender {
        Recommender {
            model: None,
            catalog: Catalog::default(),
        }
    }

    /// Loads model bytes; returns the number of items. Throws `{code: "recommend/model"}` for
    /// bytes that are not a valid model (the previous model, if any, is dropped).
    #[wasm_bindgen(js_name = setModel)]
    pub fn set_model(&mut self, bytes: Vec<u8>) -> Result<u32, JsValue> {
        self.model = None;
        let model =
            Model::from_bytes(bytes).map_err(|e| error("recommend/model", &e.to_string(), None))?;
        let n = model.len() as u32;
        self.model = Some(model);
        Ok(n)
    }

    /// Loads a catalog document (parsed JSON); returns the number of products, or throws
    /// `{code: "recommend/catalog", errors: [{path, message}]}` listing every problem. Products
    /// seen on pages are kept.
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&mut self, doc: JsValue) -> Result<u32, JsValue> {
        let doc = from_js(doc, "catalog")?;
        let mut catalog = Catalog::parse(&doc).map_err(|list| {
            let errors = list
                .iter()
                .map(|e| {
                    let mut m = serde_json::Map::new();
                    m.insert("path".into(), e.path.clone().into());
                    m.insert("message".into(), e.message.clone().into());
                    Value::Object(m)
                })
                .collect();
            let first = list.first().map(|e| e.to_string()).unwrap_or_default();
            error(
                "recommend/catalog",
                &["invalid catalog: ", &first].concat(),
                Some(Value::Array(errors)),
            )
        })?;
        for p in self.catalog.products() {
            if catalog.get(&p.id).is_none() {
                catalog.add_product(p.clone());
            }
        }
        self.catalog = catalog;
        Ok(self.catalog.len() as u32)
    }

    /// Adds products seen on the page (Segment-style properties, one object or an array);
    /// returns how many were new.
    #[wasm_bindgen(js_name = addSeen)]
    pub fn add_seen(&mut self, products: JsValue) -> Result<u32, JsValue> {
        let v = from_js(products, "products")?;
        let list = match &v {
            Value::Array(a) => a.as_slice(),
            other => std::slice::from_ref(other),
        };
        Ok(list.iter().filter(|p| self.catalog.add_seen(p)).count() as u32)
    }

    /// Whether a model is loaded.
    #[wasm_bindgen(js_name = hasModel)]
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// Recommendations for `request` (`{strategy, limit, product, filters}`) for the visitor
    /// of `runtime` at `now`. Throws `{code: "input/invalid"}` for a bad request.
    pub fn recommend(
        &self,
        runtime: &Runtime,
        request: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let engine = runtime.engine();
        let cfg = &engine.config().recommend;
        let request = Request::from_json(&from_js(request, "request")?, cfg.limit as usize)
            .map_err(|m| error("input/invalid", m, None))?;
        let settings = Settings {
            exclude_purchased: cfg.exclude_purchased,
            max_per_category: cfg.max_per_category as usize,
        };
        let who = visitor::visitor(engine, millis(now));
        let recs =
            recommend::recommend(self.model.as_ref(), &self.catalog, &who, settings, &request);
        Ok(to_js(&recommend::view::json(&recs, &self.catalog)))
    }
}

impl Default for Recommender {
    fn default() -> Self {
        Recommender::new()
    }
}
