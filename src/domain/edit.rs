//! Changing a prospect after `add`: the fields a rep names, and nothing else.

use serde::{Deserialize, Serialize};

use super::cadence::Channel;
use super::prospect::{Email, LeadTemp, Money, Pace, Phone, Prospect, ProspectName, Stage};

/// The fields an `edit` names. `Some(None)` clears an optional field (`email:-`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProspectEdit {
    pub name: Option<ProspectName>,
    pub company: Option<Option<String>>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Option<Phone>>,
    pub linkedin: Option<Option<String>>,
    pub stage: Option<Stage>,
    pub value: Option<Option<Money>>,
    pub lead: Option<Option<LeadTemp>>,
    pub pace: Option<Pace>,
    pub prefers: Option<Option<Channel>>,
}

impl ProspectEdit {
    pub fn is_empty(&self) -> bool {
        *self == ProspectEdit::default()
    }

    /// Applies the edit; answers what changed, as the rep reads it (`stage inquiry → proposal`).
    pub fn apply(&self, p: &mut Prospect) -> Vec<String> {
        let mut changed = Vec::new();
        fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
            v.as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "—".into())
        }
        if let Some(name) = &self.name {
            if p.name != name.as_str() {
                changed.push(format!("name {} → {}", p.name, name.as_str()));
                p.name = name.as_str().to_string();
            }
        }
        if let Some(company) = &self.company {
            if p.company != *company {
                changed.push(format!("company {} → {}", show(&p.company), show(company)));
                p.company = company.clone();
            }
        }
        if let Some(email) = &self.email {
            let email = email.as_ref().map(|e| e.as_str().to_string());
            if p.email != email {
                changed.push(format!("email {} → {}", show(&p.email), show(&email)));
                p.email = email;
            }
        }
        if let Some(phone) = &self.phone {
            let phone = phone.as_ref().map(|e| e.as_str().to_string());
            if p.phone != phone {
                changed.push(format!("phone {} → {}", show(&p.phone), show(&phone)));
                p.phone = phone;
            }
        }
        if let Some(linkedin) = &self.linkedin {
            if p.linkedin != *linkedin {
                changed.push(format!(
                    "LinkedIn {} → {}",
                    show(&p.linkedin),
                    show(linkedin)
                ));
                p.linkedin = linkedin.clone();
            }
        }
        if let Some(stage) = self.stage {
            if p.stage != stage {
                changed.push(format!("stage {} → {}", p.stage, stage));
                p.stage = stage;
            }
        }
        if let Some(value) = self.value {
            if p.value != value {
                let money = |v: Option<Money>| v.map(Money::display).unwrap_or_else(|| "—".into());
                changed.push(format!("value {} → {}", money(p.value), money(value)));
                p.value = value;
            }
        }
        if let Some(lead) = self.lead {
            if p.lead != lead {
                changed.push(format!("lead {} → {}", show(&p.lead), show(&lead)));
                p.lead = lead;
            }
        }
        if let Some(pace) = self.pace {
            if p.pace != pace {
                changed.push(format!("pace {} → {}", p.pace, pace));
                p.pace = pace;
            }
        }
        if let Some(prefers) = self.prefers {
            if p.prefers != prefers {
                changed.push(format!("prefers {} → {}", show(&p.prefers), show(&prefers)));
                p.prefers = prefers;
            }
        }
        changed
    }
}

/// The channels a prospect can prefer.
pub const PREFERABLE: &[Channel] = &[
    Channel::Call,
    Channel::Email,
    Channel::LinkedIn,
    Channel::Text,
];
