//! [`SourceTables`]: the source tables an engine classifies visits with, and the full tables
//! loaded at run time.
//!
//! Natively the full tables are built in and nothing needs loading. In the browser the wasm
//! carries only the subset; the caller asks [`SourceTables::needs_full`] before ingesting a
//! page view and, when it says so, fetches `trailmark_sources.txt` and passes its bytes to
//! [`SourceTables::load`]. The core does no I/O: the bytes come in as a slice. A page view
//! classified without them (the fetch failed) gets the subset's best guess: a referrer or source
//! the subset does not know reads as unknown to the tables (a referrer is then `Referral`).

use super::table::{Sections, SourceTable, SourceTableError};
use super::{classify_with, ChannelConfig, VisitSource};
use alloc::string::{String, ToString};

/// The source tables one engine uses: those built in, or the full tables once loaded.
#[derive(Clone, Debug, Default)]
pub struct SourceTables {
    /// A loaded full-tables file and its checked sections.
    loaded: Option<(String, Sections)>,
    /// Use the subset until full tables are loaded, even natively (as the browser starts).
    subset_only: bool,
}

impl SourceTables {
    /// Tables that start as the browser's do, with the subset only, whatever the build carries:
    /// for tests of the browser's path natively.
    pub fn subset_only() -> SourceTables {
        SourceTables {
            loaded: None,
            subset_only: true,
        }
    }

    /// Checks `bytes` (the contents of `trailmark_sources.txt`) and, when they are valid full
    /// tables, classifies with them from now on. Invalid bytes change nothing.
    pub fn load(&mut self, bytes: &[u8]) -> Result<(), SourceTableError> {
        let text = crate::core::text::utf8(bytes).ok_or(SourceTableError::NotText)?;
        let sections = SourceTable::sections(text)?;
        self.loaded = Some((text.to_string(), sections));
        Ok(())
    }

    /// Whether full tables were loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }

    /// The tables lookups use now.
    pub fn table(&self) -> SourceTable<'_> {
        match &self.loaded {
            Some((text, sections)) => SourceTable::from_sections(text, sections),
            None if self.subset_only => SourceTable::subset(),
            None => SourceTable::builtin(),
        }
    }

    /// Whether classifying a page view of `url` from `referrer` needs the full tables: only when
    /// an external referrer or a campaign source is one the tables at hand cannot answer for.
    /// Same-site and direct visits never do; natively, or once loaded, nothing does.
    pub fn needs_full(&self, config: &ChannelConfig, url: &str, referrer: Option<&str>) -> bool {
        classify_with(config, &self.table(), url, referrer, 0).is_err()
    }

    /// Classifies a page view (see [`super::classify`]): exactly, or, when only the full tables
    /// could answer and they are not loaded, with the subset's best guess.
    pub fn classify(
        &self,
        config: &ChannelConfig,
        url: &str,
        referrer: Option<&str>,
        at_ms: u64,
    ) -> VisitSource {
        let table = self.table();
        classify_with(config, &table, url, referrer, at_ms).unwrap_or_else(|_| {
            // Lenient lookups always answer; `SameSite` is never reached.
            classify_with(config, &table.lenient(), url, referrer, at_ms)
                .unwrap_or(VisitSource::SameSite)
        })
    }
}
