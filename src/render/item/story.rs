//! What a success story's page adds: its structured facts (who, where, what, since when,
//! and the figures), as UI-string keys with values.
//!
//! Input: the story's page. Output: `StoryPart`. Must not: translate the keys (the template does).

use crate::model::Page;
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct StoryPart {
    pub facts: Vec<(&'static str, String)>,
}

pub(super) fn part(p: &Page) -> StoryPart {
    StoryPart { facts: story_facts(p) }
}

/// A story's structured facts as (UI string key, value) pairs, in a fixed order.
fn story_facts(p: &Page) -> Vec<(&'static str, String)> {
    let f = &p.front;
    let mut facts = Vec::new();
    if let Some(s) = &f.subject {
        facts.push(("fact_subject", s.clone()));
    }
    if let Some(r) = &f.region {
        facts.push((
            "fact_place",
            r.county.as_ref().map_or_else(|| r.province.clone(), |c| (p.lang.spec().county_label)(c, &r.province)),
        ));
    }
    if let Some(i) = &f.industry {
        facts.push(("fact_industry", i.clone()));
    }
    if let Some(y) = f.year_started {
        facts.push(("fact_year_started", y.to_string()));
    }
    if let Some(fig) = &f.figures {
        if let Some(j) = fig.jobs_created {
            facts.push(("fact_jobs_created", p.lang.integer(j)));
        }
        if let Some(l) = &fig.loans {
            facts.push(("fact_loans", l.clone()));
        }
        if let Some(r) = &fig.revenue {
            facts.push(("fact_revenue", r.clone()));
        }
        if let Some(t) = fig.trainees {
            facts.push(("fact_trainees", p.lang.integer(t)));
        }
    }
    facts
}
