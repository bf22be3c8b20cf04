//! The governance bodies (*instances*), what they may decide, the service
//! areas an action serves, and whether a rule applies to the region or to
//! each site — the small closed vocabularies the rest of the crate shares.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One of the network's three bodies.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// The regional Commission of the Espaces métiers (*Commission régionale*).
    Commission,
    /// A site's local technical programming committee (*Comité technique
    /// local de programmation*).
    TechnicalCommittee,
    /// A site's steering committee (*Comité de pilotage*).
    SteeringCommittee,
}

impl Body {
    /// Every body, in the order of the year.
    pub const ALL: [Body; 3] = [
        Body::Commission,
        Body::TechnicalCommittee,
        Body::SteeringCommittee,
    ];

    /// The snake_case name used in files, SQL and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Body::Commission => "commission",
            Body::TechnicalCommittee => "technical_committee",
            Body::SteeringCommittee => "steering_committee",
        }
    }

    /// The body's French name, for pages and tables people read.
    pub fn label(self) -> &'static str {
        match self {
            Body::Commission => "Commission régionale",
            Body::TechnicalCommittee => "Comité technique local de programmation",
            Body::SteeringCommittee => "Comité de pilotage",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(text: &str) -> Option<Body> {
        Body::ALL.into_iter().find(|b| b.as_str() == text)
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind of decision a body may take.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// An Opinion (*avis*) on a labelling request.
    OpinionLabelling,
    /// An Opinion on the recruitment of a coordinator (CTEM).
    OpinionRecruitment,
    /// The Roadmap: the regional orientations of the coming year.
    Roadmap,
    /// An ActionProposal for the site's action plan.
    ActionProposal,
    /// The Arbitration between the action proposals.
    Arbitration,
}

impl DecisionKind {
    /// The snake_case name used in files, SQL and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::OpinionLabelling => "opinion_labelling",
            DecisionKind::OpinionRecruitment => "opinion_recruitment",
            DecisionKind::Roadmap => "roadmap",
            DecisionKind::ActionProposal => "action_proposal",
            DecisionKind::Arbitration => "arbitration",
        }
    }
}

impl fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the three service areas of an Espace métiers.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceArea {
    /// Careers guidance (*orientation*).
    Guidance,
    /// Training (*formation*).
    Training,
    /// Employment (*emploi*).
    Employment,
}

impl ServiceArea {
    /// The area's French name: orientation, formation, emploi.
    pub fn label(self) -> &'static str {
        match self {
            ServiceArea::Guidance => "orientation",
            ServiceArea::Training => "formation",
            ServiceArea::Employment => "emploi",
        }
    }

    /// Every service area.
    pub const ALL: [ServiceArea; 3] = [
        ServiceArea::Guidance,
        ServiceArea::Training,
        ServiceArea::Employment,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceArea::Guidance => "guidance",
            ServiceArea::Training => "training",
            ServiceArea::Employment => "employment",
        }
    }
}

impl fmt::Display for ServiceArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a body or an obligation exists once for the region or once per
/// site.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Once for the whole region (run by the regional coordination).
    Region,
    /// Once per site.
    Site,
}
