//! The built-in source subset never contradicts the full tables: for every key of the full
//! tables and hosts derived from them (subdomains, `www.`, other TLDs, parents, look-alikes,
//! wildcard expansions), plus unrelated and same-site hosts, a lookup in the subset gives the
//! full tables' answer or "needs the full table", and so does a whole classification (referrer,
//! `utm_source`, click ids, custom rules). The traffic the subset is for resolves without the
//! full tables, and `SourceTables` loads and falls back as the browser relies on.

use trailmark::core::channel::{
    classify_with, ChannelConfig, NeedsFullTable, SourceTable, SourceTableError, SourceTables,
    VisitSource, FULL_FILE, SUBSET_BYTES, TABLE_BYTES,
};

/// The keys of the full-tables file (after the header and the engine lines).
fn full_keys() -> Vec<&'static str> {
    let (header, body) = FULL_FILE.split_once('\n').unwrap();
    let engines: usize = header.split(' ').nth(2).unwrap().parse().unwrap();
    body.lines()
        .skip(engines)
        .map(|l| l.split_once('\t').unwrap().0)
        .collect()
}

/// Hosts and sources derived from one key.
fn derived(key: &str) -> Vec<String> {
    let mut bases = Vec::new();
    if key.contains("{}") {
        for fill in ["com", "de", "co.uk", "com.br", "images", "www", "a.b", "x"] {
            bases.push(key.replace("{}", fill));
        }
    }
    bases.push(key.to_string());
    let mut out = Vec::new();
    for b in &bases {
        out.push(b.clone());
        out.push(format!("www.{b}"));
        out.push(format!("WWW.{}", b.to_uppercase()));
        out.push(format!("sub.{b}"));
        out.push(format!("a.b.{b}"));
        out.push(format!("mail.{b}"));
        out.push(format!("{b}.evil.example"));
        out.push(format!("x{b}"));
        out.push(format!("{b} "));
        if let Some((_, parent)) = b.split_once('.') {
            out.push(parent.to_string());
            out.push(format!("www.{parent}"));
        }
        if let Some((name, _)) = b.rsplit_once('.') {
            for tld in ["de", "co.uk", "com.br", "fr", "zz", "com"] {
                out.push(format!("{name}.{tld}"));
            }
        }
        if let Some((first, _)) = b.split_once('.') {
            out.push(first.to_string());
        }
    }
    out
}

/// Every input the comparison covers: derived from every full key, plus hand-picked hosts.
fn inputs() -> Vec<String> {
    let mut all: Vec<String> = full_keys().into_iter().flat_map(derived).collect();
    for extra in [
        "",
        "shop.example",
        "www.shop.example",
        "blog.example",
        "news.ycombinator.com",
        "partner.example",
        "mail.google.com",
        "google.evil.example",
        "(direct)",
        "(not set)",
        "newsletter",
        "Newsletter",
        "klaviyo",
        "com",
        "co.uk",
        "{}",
        "{}.com",
        "google.{}",
        "127.0.0.1",
        "[::1]",
        "xn--bcher-kva.example",
        "münchen.de",
        "search.seznam.cz",
        "bsky.app",
        "android-app://com.google.android.googlequicksearchbox",
    ] {
        all.extend(derived(extra));
    }
    all.sort();
    all.dedup();
    all
}

/// `subset`'s answer is the full tables' answer, or needs them.
fn agrees<T: PartialEq + std::fmt::Debug>(
    what: &str,
    input: &str,
    subset: Result<T, NeedsFullTable>,
    full: Result<T, NeedsFullTable>,
) -> bool {
    let full = full.unwrap_or_else(|_| panic!("the full tables always answer ({what} {input:?})"));
    match subset {
        Ok(s) => {
            assert_eq!(
                s, full,
                "{what} of {input:?}: the subset contradicts the full tables"
            );
            true
        }
        Err(NeedsFullTable) => false,
    }
}

const _: () = assert!(SUBSET_BYTES * 4 < TABLE_BYTES, "the subset is a small part");

#[test]
fn subset_lookups_never_contradict_the_full_tables() {
    let (subset, full) = (SourceTable::subset(), SourceTable::full());
    assert!(!subset.is_complete() && full.is_complete());
    let inputs = inputs();
    assert!(inputs.len() > 20_000, "{} inputs", inputs.len());
    let (mut answered, mut lookups) = (0, 0);
    for h in &inputs {
        lookups += 2;
        answered += usize::from(agrees("category", h, subset.category(h), full.category(h)));
        answered += usize::from(agrees(
            "search engine",
            h,
            subset.search_engine(h),
            full.search_engine(h),
        ));
    }
    // The subset is small: most of the long tail needs the full tables.
    assert!(answered * 2 < lookups, "{answered} of {lookups}");
}

#[test]
fn subset_classifications_never_contradict_the_full_tables() {
    let (subset, full) = (SourceTable::subset(), SourceTable::full());
    let custom: ChannelConfig = serde_json::from_str(
        r#"{"site_hosts": ["pay.example"],
            "sources": {"shopping": ["deals.example"]},
            "rules": [
                {"group": "Partners", "source": ["partner.example"]},
                {"group": "AI Assistants", "source_category": "ai"},
                {"group": "Video Ads", "source_category": "video", "paid": true}
            ]}"#,
    )
    .unwrap();
    let configs = [ChannelConfig::default(), custom];
    let page = "https://shop.example/landing";
    let mut visits: Vec<(String, Option<String>)> = Vec::new();
    for h in inputs().iter().step_by(3) {
        let host = h.trim();
        visits.push((page.into(), Some(format!("https://{host}/"))));
        visits.push((
            page.into(),
            Some(format!("https://{host}/search?q=tents&p=x")),
        ));
        visits.push((format!("{page}?utm_source={host}&utm_medium=cpc"), None));
        visits.push((format!("{page}?utm_source={host}&utm_medium=email"), None));
    }
    for url in [
        page.to_string(),
        format!("{page}?gclid=1"),
        format!("{page}?msclkid=1"),
        format!("{page}?ttclid=1"),
        format!("{page}?twclid=1"),
        format!("{page}?li_fat_id=1"),
        format!("{page}?fbclid=1"),
        format!("{page}?dclid=1"),
        format!("{page}?utm_campaign=spring"),
        format!("{page}?utm_medium=email"),
    ] {
        visits.push((url.clone(), None));
        visits.push((url, Some("https://blog.example/post".into())));
    }
    let mut answered = 0;
    for config in &configs {
        for (url, referrer) in &visits {
            let r = referrer.as_deref();
            answered += usize::from(agrees(
                "classification",
                &format!("{url} from {r:?}"),
                classify_with(config, &subset, url, r, 5),
                classify_with(config, &full, url, r, 5),
            ));
        }
    }
    assert!(answered > 1000, "{answered}");
}

/// The visits the subset is for need no fetch: the big search engines, social networks,
/// video, shopping and AI hosts, their click ids and `utm_source`s, direct and same-site visits.
#[test]
fn common_traffic_resolves_with_the_subset_alone() {
    let config = ChannelConfig::default();
    let tables = SourceTables::subset_only();
    let page = "https://shop.example/";
    let group = |url: &str, referrer: Option<&str>| {
        assert!(
            !tables.needs_full(&config, url, referrer),
            "{url} from {referrer:?} needs the full tables"
        );
        match tables.classify(&config, url, referrer, 0) {
            VisitSource::Touch(t) => t.group,
            VisitSource::SameSite => "same site".into(),
        }
    };
    for (referrer, expected) in [
        ("https://www.google.com/", "Organic Search"),
        ("https://www.google.co.uk/", "Organic Search"),
        ("https://www.google.de/search?q=zelt", "Organic Search"),
        ("https://www.bing.com/search?q=tent", "Organic Search"),
        ("https://cn.bing.com/", "Organic Search"),
        ("https://search.yahoo.com/search?p=tent", "Organic Search"),
        ("https://duckduckgo.com/", "Organic Search"),
        ("https://www.baidu.com/s?wd=x", "Organic Search"),
        ("https://yandex.ru/search/?text=x", "Organic Search"),
        ("https://www.ecosia.org/search?q=x", "Organic Search"),
        (
            "https://search.naver.com/search.naver?query=x",
            "Organic Search",
        ),
        ("https://l.facebook.com/", "Organic Social"),
        ("https://m.facebook.com/", "Organic Social"),
        ("https://www.instagram.com/", "Organic Social"),
        ("https://l.instagram.com/", "Organic Social"),
        ("https://t.co/abc", "Organic Social"),
        ("https://x.com/", "Organic Social"),
        ("https://twitter.com/", "Organic Social"),
        ("https://www.linkedin.com/", "Organic Social"),
        ("https://lnkd.in/x", "Organic Social"),
        ("https://www.pinterest.com/", "Organic Social"),
        ("https://de.pinterest.com/", "Organic Social"),
        ("https://www.reddit.com/r/x", "Organic Social"),
        ("https://old.reddit.com/", "Organic Social"),
        ("https://www.youtube.com/", "Organic Video"),
        ("https://m.youtube.com/", "Organic Video"),
        ("https://www.tiktok.com/", "Organic Social"),
        ("https://chatgpt.com/", "Referral"),
        ("https://chat.openai.com/", "Referral"),
        ("https://www.perplexity.ai/", "Referral"),
        ("https://gemini.google.com/", "Referral"),
        ("https://copilot.microsoft.com/", "Referral"),
        ("https://www.amazon.com/", "Organic Shopping"),
        ("https://www.amazon.co.uk/", "Organic Shopping"),
        ("https://ntp.msn.com/", "Organic Search"),
        ("https://shop.example/other", "same site"),
    ] {
        assert_eq!(group(page, Some(referrer)), expected, "{referrer}");
    }
    for (query, expected) in [
        ("", "Direct"),
        ("?gclid=1", "Paid Search"),
        ("?msclkid=1", "Paid Search"),
        ("?fbclid=1", "Organic Social"),
        ("?ttclid=1", "Paid Social"),
        ("?li_fat_id=1", "Paid Social"),
        ("?utm_campaign=spring", "Unassigned"),
        ("?utm_source=google&utm_medium=cpc", "Paid Search"),
        ("?utm_source=facebook&utm_medium=paid_social", "Paid Social"),
        ("?utm_source=ig&utm_medium=social", "Organic Social"),
        ("?utm_source=newsletter&utm_medium=email", "Email"),
        ("?utm_source=klaviyo&utm_medium=email", "Email"),
    ] {
        assert_eq!(group(&format!("{page}{query}"), None), expected, "{query}");
    }
}

#[test]
fn long_tail_needs_the_full_tables_and_falls_back_to_the_subsets_guess() {
    let config = ChannelConfig::default();
    let mut tables = SourceTables::subset_only();
    let page = "https://shop.example/";
    let group = |t: &SourceTables, url: &str, referrer: Option<&str>| match t
        .classify(&config, url, referrer, 0)
    {
        VisitSource::Touch(t) => (t.group, t.source),
        VisitSource::SameSite => ("same site".into(), String::new()),
    };
    let seznam = Some("https://search.seznam.cz/?q=stan");
    let mastodon = Some("https://mastodon.social/@x");
    let blog = Some("https://blog.example/post");
    let tagged = "https://shop.example/?utm_source=partner-mail&utm_medium=email";
    for (url, referrer) in [
        (page, seznam),
        (page, mastodon),
        (page, blog),
        (tagged, None),
    ] {
        assert!(
            tables.needs_full(&config, url, referrer),
            "{url} {referrer:?}"
        );
    }
    // Without the full tables: the subset's best guess, a referral.
    assert_eq!(
        group(&tables, page, seznam),
        ("Referral".into(), "search.seznam.cz".into())
    );
    assert_eq!(group(&tables, page, mastodon).0, "Referral");
    assert_eq!(group(&tables, tagged, None).0, "Email");

    // Bad bytes are refused and change nothing.
    assert_eq!(
        tables.load(b"<!doctype html>\n<p>not found</p>\n"),
        Err(SourceTableError::Header)
    );
    assert_eq!(tables.load(&[0xff, 0xfe]), Err(SourceTableError::NotText));
    assert_eq!(
        tables.load(&FULL_FILE.as_bytes()[..FULL_FILE.len() / 2]),
        Err(SourceTableError::Count)
    );
    assert!(!tables.is_loaded());
    assert!(tables.needs_full(&config, page, seznam));

    tables.load(FULL_FILE.as_bytes()).unwrap();
    assert!(tables.is_loaded());
    for (url, referrer) in [
        (page, seznam),
        (page, mastodon),
        (page, blog),
        (tagged, None),
    ] {
        assert!(
            !tables.needs_full(&config, url, referrer),
            "{url} {referrer:?}"
        );
    }
    assert_eq!(
        group(&tables, page, seznam),
        ("Organic Search".into(), "seznam".into())
    );
    assert_eq!(group(&tables, page, mastodon).0, "Organic Social");
    assert_eq!(group(&tables, page, blog).0, "Referral");

    // Natively the full tables are built in: nothing ever needs loading.
    assert!(!SourceTables::default().needs_full(&config, page, seznam));
}
