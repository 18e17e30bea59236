//! Hand-written SVG charts (no dependencies): stage probabilities over one journey, and the
//! reliability diagram of P(purchase).

use std::fmt::Write as _;

use super::ecom::TracePoint;
use super::metrics::Bin;

const COLORS: [&str; 6] = [
    "#4e79a7", "#59a14f", "#edc948", "#e15759", "#b07aa1", "#f28e2b",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A placeholder chart with a message.
pub fn empty(message: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"60\">\
         <text x=\"10\" y=\"35\" font-family=\"sans-serif\" font-size=\"14\">{}</text></svg>\n",
        escape(message)
    )
}

/// Stacked area of the stage probabilities after each event of one user's journey.
pub fn stages(user: &str, trace: &[TracePoint], stage_ids: &[String]) -> String {
    if trace.is_empty() {
        return empty("no events");
    }
    let step = 18.0;
    let (left, top, plot_h) = (60.0, 62.0, 300.0);
    let plot_w = step * trace.len() as f64;
    let legend_x = left + plot_w + 20.0;
    let width = legend_x + 140.0;
    let height = top + plot_h + 140.0;
    let x = |i: usize| left + step * (i as f64 + 0.5);
    let y = |p: f64| top + plot_h * (1.0 - p);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Stage probabilities \
         over the journey of {} ({} events)</text>",
        escape(user),
        trace.len()
    );
    // Stacked bands: band k lies between cumulative sums k-1 and k.
    let n = stage_ids.len();
    let mut cum = vec![vec![0.0; trace.len()]; n + 1];
    for (i, t) in trace.iter().enumerate() {
        for k in 0..n {
            cum[k + 1][i] = cum[k][i] + t.probs.get(k).copied().unwrap_or(0.0);
        }
    }
    for k in 0..n {
        let mut d = String::new();
        for (i, p) in cum[k + 1].iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                x(i),
                y(*p)
            );
        }
        for i in (0..trace.len()).rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(i), y(cum[k][i]));
        }
        let _ = writeln!(
            s,
            "<path d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"none\"/>",
            d,
            COLORS[k % COLORS.len()]
        );
    }
    // Axes and gridlines.
    for tick in 0..=4 {
        let p = tick as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\" \
             stroke-opacity=\"0.15\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{p:.2}</text>",
            left + plot_w,
            y(p),
            y(p),
            left - 6.0,
            y(p) + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#000\"/>\
         <line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\"/>",
        top + plot_h,
        left + plot_w,
        top + plot_h,
        top + plot_h
    );
    let _ = writeln!(
        s,
        "<text transform=\"translate(16,{:.1}) rotate(-90)\" text-anchor=\"middle\">probability \
         (stacked)</text>",
        top + plot_h / 2.0
    );
    // Sessions and events.
    let mut sessions_seen = 0;
    for (i, t) in trace.iter().enumerate() {
        if let Some(label) = &t.session_start {
            // Alternate label heights so labels of short sessions do not overlap.
            sessions_seen += 1;
            let stagger = if sessions_seen % 2 == 0 { 12.0 } else { 0.0 };
            let bx = x(i) - step / 2.0;
            let _ = writeln!(
                s,
                "<line x1=\"{bx:.1}\" x2=\"{bx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\" \
                 stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
                top - 14.0 - stagger,
                top + plot_h,
                bx + 2.0,
                top - 4.0 - stagger,
                escape(label)
            );
        }
        let weight = if t.event == "purchase" {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<text transform=\"translate({:.1},{:.1}) rotate(-60)\" text-anchor=\"end\"{weight}>{}</text>",
            x(i) + 3.0,
            top + plot_h + 10.0,
            escape(&t.event)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">events in time order (one column \
         each; dashed lines start sessions: number, date, channel)</text>",
        left + plot_w / 2.0,
        height - 10.0
    );
    // Legend, top stage first as in the stack.
    for (k, id) in stage_ids.iter().enumerate().rev() {
        let ly = top + 20.0 * (n - 1 - k) as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{legend_x:.1}\" y=\"{ly:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            COLORS[k % COLORS.len()],
            legend_x + 18.0,
            ly + 10.0,
            escape(id)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Reliability diagram: mean predicted vs observed per bin, the diagonal, and bin counts.
pub fn calibration(bins: &[Bin]) -> String {
    let (left, top, size) = (70.0, 50.0, 400.0);
    let width = left + size + 40.0;
    let height = top + size + 130.0;
    let x = |p: f64| left + size * p;
    let y = |p: f64| top + size * (1.0 - p);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Reliability of \
         P(purchase) on session prefixes</text>"
    );
    for tick in 0..=10 {
        let p = tick as f64 / 10.0;
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#000\" \
             stroke-opacity=\"0.08\"/><line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" \
             stroke=\"#000\" stroke-opacity=\"0.08\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{p:.1}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{p:.1}</text>",
            x(p),
            x(p),
            top + size,
            left + size,
            y(p),
            y(p),
            x(p),
            top + size + 16.0,
            left - 6.0,
            y(p) + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"none\" \
         stroke=\"#000\"/><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
         stroke=\"#888\" stroke-dasharray=\"5 4\"/>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">mean predicted P(purchase) in bin \
         (10 equal-width bins)</text><text transform=\"translate(22,{:.1}) rotate(-90)\" \
         text-anchor=\"middle\">observed share followed by a purchase</text>",
        left + size / 2.0,
        top + size + 36.0,
        top + size / 2.0
    );
    let filled: Vec<&Bin> = bins.iter().filter(|b| b.count > 0).collect();
    let mut d = String::new();
    for (i, b) in filled.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            x(b.mean_predicted),
            y(b.observed)
        );
    }
    let _ = writeln!(
        s,
        "<path d=\"{d}\" fill=\"none\" stroke=\"#e15759\" stroke-width=\"2\"/>"
    );
    let max = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    for b in &filled {
        let r = 3.0 + 7.0 * (b.count as f64 / max).sqrt();
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\" fill=\"#e15759\" fill-opacity=\"0.7\">\
             <title>{:.1}-{:.1}: n={}, predicted {:.3}, observed {:.3}</title></circle>",
            x(b.mean_predicted),
            y(b.observed),
            b.lo,
            b.hi,
            b.count,
            b.mean_predicted,
            b.observed
        );
    }
    // Bin counts under the plot, one per bin.
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\">prefixes per bin:</text>",
        top + size + 62.0
    );
    for b in bins {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\" \
             fill=\"#666\">{:.1}-{:.1}</text>",
            x((b.lo + b.hi) / 2.0),
            top + size + 80.0,
            b.count,
            x((b.lo + b.hi) / 2.0),
            top + size + 94.0,
            b.lo,
            b.hi
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_escaped() {
        let trace = vec![TracePoint {
            event: "a<b".into(),
            session_start: Some("S1 & co".into()),
            probs: vec![0.5, 0.5],
        }];
        let svg = stages("u", &trace, &["x".into(), "y".into()]);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("S1 &amp; co"));
        let bins = super::super::metrics::calibration(&[(0.2, true), (0.25, false)], 10);
        let svg = calibration(&bins);
        assert!(svg.contains("<circle") && svg.trim_end().ends_with("</svg>"));
    }
}
