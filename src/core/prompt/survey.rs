//! Survey answers as evidence: advocacy for `loyalty`, pain points, the self-reported channel.
//! The answer itself is already kept in the profile (`Profile::surveys`); this reads it through
//! the survey's definition, so an answer to an unknown survey is kept but means nothing more.

use super::{PainPoint, PAIN_POINTS_KEPT};
use crate::core::config::{Config, SurveyKind};
use crate::core::engine::State;
use crate::core::event::Touchpoint;
use crate::core::number::short;
use crate::core::stage::Cause;
use alloc::string::String;

/// Log-odds added to `loyalty` by an NPS promoter answer (9-10).
pub const PROMOTER_WEIGHT: f64 = 1.5;

pub(super) fn answered(config: &Config, state: &mut State, tp: &Touchpoint, now_ms: u64) {
    let Some(id) = tp.str_prop("survey_id").or_else(|| tp.str_prop("survey")) else {
        return;
    };
    let Some(def) = config.surveys.get(&id) else {
        return;
    };
    let Some(kind) = def.survey else { return };
    if def.attribution {
        if let Some(answer) = tp.str_prop("answer").filter(|a| def.options.contains(a)) {
            state.decisions.reported_channel = Some(answer);
        }
        return;
    }
    let Some((lo, hi)) = kind.range() else { return };
    let Some(score) = tp
        .num_prop("score")
        .or_else(|| tp.num_prop("answer"))
        .filter(|s| (lo..=hi).contains(s))
    else {
        return;
    };
    let label = match kind {
        SurveyKind::Nps => "NPS ",
        SurveyKind::Csat => "CSAT ",
        _ => "CES ",
    };
    let mut what = String::from(label);
    what.push_str(&short(score));
    let pain = match kind {
        SurveyKind::Nps if score >= 9.0 => {
            if let Some(loyalty) = config.stage_index("loyalty") {
                let mut cause = String::from("survey: ");
                cause.push_str(&what);
                state.stages.add(
                    config,
                    loyalty,
                    PROMOTER_WEIGHT,
                    Cause::Survey(cause),
                    now_ms,
                );
            }
            false
        }
        SurveyKind::Nps => score <= 6.0,
        SurveyKind::Csat => score <= 2.0,
        _ => score >= 5.0,
    };
    if pain {
        let after_support = state
            .journeys
            .iter()
            .any(|j| j.id == "support" && j.attempts > 0);
        if after_support {
            what.push_str(" after support");
        }
        let points = &mut state.decisions.pain_points;
        points.push(PainPoint {
            reason: what,
            at_ms: now_ms,
        });
        // `while`: stored bytes may hold a longer list (an older build, edited storage).
        while points.len() > PAIN_POINTS_KEPT {
            points.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{Config, Engine, EventKind, Touchpoint};

    fn engine() -> Engine {
        Engine::new(
            Config::from_json(
                r#"{"surveys": {
                    "nps": {"kind": "modal", "type": "nps", "question": "Recommend us?"},
                    "csat": {"kind": "toast", "type": "csat", "question": "Happy?"},
                    "heard": {"kind": "toast", "type": "choice", "question": "How did you hear about us?",
                              "options": ["Podcast", "Friend"], "attribution": true}
                }}"#,
            )
            .unwrap(),
        )
    }

    fn answer(id: &str, answer: &str, score: Option<f64>) -> Touchpoint {
        let tp = Touchpoint::of(EventKind::SurveyAnswered)
            .with("survey_id", id)
            .with("answer", answer);
        match score {
            Some(s) => tp.with("score", s),
            None => tp,
        }
    }

    fn loyalty(e: &Engine, at: u64) -> f64 {
        e.stage(at)
            .iter()
            .find(|s| s.stage == "loyalty")
            .unwrap()
            .probability
    }

    #[test]
    fn a_promoter_answer_raises_loyalty_with_a_cause() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let before = loyalty(&e, 0);
        e.ingest(&answer("nps", "10", Some(10.0)), 1_000);
        assert!(loyalty(&e, 1_000) > before + 0.05);
        let trail = &e
            .stage(1_000)
            .into_iter()
            .find(|s| s.stage == "loyalty")
            .unwrap()
            .trail;
        assert!(
            trail.iter().any(|c| c.cause.describe() == "survey: NPS 10"),
            "{trail:?}"
        );
        assert!(e.state().decisions.pain_points.is_empty());
    }

    #[test]
    fn low_scores_are_pain_points_and_noted_after_support() {
        let mut e = engine();
        e.ingest(&answer("nps", "3", Some(3.0)), 0);
        e.ingest(&Touchpoint::of(EventKind::SupportContacted), 1_000);
        e.ingest(&answer("csat", "1", Some(1.0)), 2_000);
        e.ingest(&answer("csat", "5", Some(5.0)), 3_000);
        e.ingest(&answer("csat", "9", Some(9.0)), 4_000); // out of range
        let reasons: Vec<&str> = e
            .state()
            .decisions
            .pain_points
            .iter()
            .map(|p| p.reason.as_str())
            .collect();
        assert_eq!(reasons, ["NPS 3", "CSAT 1 after support"]);
    }

    #[test]
    fn an_attribution_answer_is_the_reported_channel() {
        let mut e = engine();
        e.ingest(&answer("heard", "Radio", None), 0);
        assert_eq!(e.state().decisions.reported_channel, None, "not an option");
        e.ingest(&answer("heard", "Podcast", None), 1_000);
        assert_eq!(
            e.state().decisions.reported_channel.as_deref(),
            Some("Podcast")
        );
        // Unknown surveys are kept in the profile but mean nothing more.
        e.ingest(&answer("other", "10", Some(10.0)), 2_000);
        assert_eq!(e.profile().surveys.len(), 3);
    }
}
