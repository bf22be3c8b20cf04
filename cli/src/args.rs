//! The command line: subcommands, options and their help texts.
//!
//! Help is written for a network coordinator, not a programmer: it says what
//! each command does for the network's year, in English, with the French
//! names of the domain (*bilan d'activité*, *Espace métiers*) beside their
//! meaning.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

/// The years the command line accepts, first and last.
///
/// The network's statistics are yearly and recent; a year outside this range
/// is a typing mistake, and refusing it at parse time makes it a usage error
/// (exit 2) instead of an arithmetic overflow in a report's comparison with
/// the year before.
pub const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// The value of every `--year` option: a year within [`YEARS`].
///
/// One type for every command's year, so that the range and its parser are
/// written once: a field of type `Year` takes its parser from the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year(i16);

impl Year {
    /// The year as a number.
    pub fn get(self) -> i16 {
        self.0
    }
}

impl clap::builder::ValueParserFactory for Year {
    type Parser =
        clap::builder::MapValueParser<clap::builder::RangedI64ValueParser<i16>, fn(i16) -> Year>;

    fn value_parser() -> Self::Parser {
        use clap::builder::TypedValueParser;
        clap::value_parser!(i16).range(YEARS).map(Year)
    }
}

impl std::fmt::Display for Year {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// `em` — the network of Espaces métiers (job, training and careers-guidance
/// centres) from a shell.
///
/// Import the sites' statistics (visits to the resource centre, satisfaction
/// survey answers, events), check them against the regional rules, and write
/// the annual activity report (*bilan d'activité*) per site, per département
/// and for the region.
///
/// Start with `em demo`: it builds a database from the shipped demo data and
/// writes the full report.
#[derive(Debug, Parser)]
#[command(name = "em", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Say more about what is done (-v: steps, -vv: details). The EM_LOG
    /// variable (e.g. EM_LOG=debug) takes precedence.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// The network's rules to use: a ruleset folder of TOML files (like
    /// rulesets/champagne-ardenne), for every command that reads rules
    /// (import, report, label, committee, plan, calendar, territory,
    /// ruleset check, ...). It is checked in full, as `em ruleset check`
    /// does, before it is used, and refused with every problem's file, line
    /// and reason. Without it, the rules built into em are used.
    #[arg(long, global = true, env = "EM_RULESET", value_name = "FOLDER")]
    pub ruleset: Option<PathBuf>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line, keeping what the options' order means (the
    /// site of each file of `em import`); exits with clap's message and code
    /// on a wrong command line.
    pub fn parse_args() -> Cli {
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        if let (Command::Import(args), Some(("import", sub))) =
            (&mut cli.command, matches.subcommand())
        {
            let indices = |id: &str| {
                sub.indices_of(id)
                    .map(Iterator::collect)
                    .unwrap_or_default()
            };
            args.positions = Positions {
                sites: indices("site"),
                files: indices("files"),
            };
        }
        cli
    }
}

/// Where the values of `em import`'s `--site` options and files stood on
/// the command line (clap's indices), in the order they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    /// The index of each `--site` value.
    pub sites: Vec<usize>,
    /// The index of each file.
    pub files: Vec<usize>,
}

impl ImportArgs {
    /// The site each file is given by `--site`, in the order of the files:
    /// the only `--site` for every file, or else the nearest one written
    /// before the file (none for files before the first).
    pub fn file_sites(&self) -> Vec<Option<String>> {
        match self.site.as_slice() {
            [] => vec![None; self.files.len()],
            [only] => vec![Some(only.clone()); self.files.len()],
            several => (0..self.files.len())
                .map(|f| {
                    let at = self.positions.files.get(f)?;
                    let before = self.positions.sites.iter().filter(|s| *s < at).count();
                    before.checked_sub(1).map(|s| several[s].clone())
                })
                .collect(),
        }
    }

    /// A `--site`, among several, that no file follows before the next
    /// one: a slip that would leave that site's files without their site.
    pub fn site_without_files(&self) -> Option<&str> {
        if self.site.len() < 2 {
            return None;
        }
        let sites = &self.positions.sites;
        sites.iter().enumerate().find_map(|(i, &at)| {
            let next = sites.get(i + 1).copied().unwrap_or(usize::MAX);
            let followed = self.positions.files.iter().any(|&f| at < f && f < next);
            (!followed).then(|| self.site[i].as_str())
        })
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty database (one SQLite file) for a network's records.
    ///
    /// Safe to run on an existing database: it is brought to the latest
    /// layout and nothing in it is lost.
    Init(InitArgs),

    /// Import the records kept by the sites into a database.
    ///
    /// Reads CSV files as French spreadsheets write them (`;` separator,
    /// dd/mm/yyyy dates, UTF-8 or Windows-1252), XLSX workbooks and JSON Lines.
    /// Every record is checked against the statistics rules in force on its
    /// day. A file with any bad row is refused as a whole: every problem is
    /// listed with its file, line, column and reason, and nothing of that
    /// file is stored. Importing a file a second time adds nothing.
    ///
    /// One line per file says what became of it: imported, already imported
    /// or refused, with its rows stored, rows already in the database and
    /// rows with errors.
    ///
    /// Files of several sites in one go: give each site before its files,
    ///   em import reseau.sqlite --site sedan sedan.csv --site reims reims.csv
    Import(ImportArgs),

    /// Write the annual activity report (bilan d'activité) of one year.
    ///
    /// Visits and distinct visitors by every dimension, by month, per site, per
    /// département and for the region, satisfaction rates, events, and the
    /// comparison with the year before. Small counts are masked.
    Report(ReportArgs),

    /// Write the JSON Schemas of the records and of the ruleset files.
    ///
    /// Sites and other tools use them to check their exports before sending
    /// them to the regional coordination (coordination régionale).
    Schema(SchemaArgs),

    /// Build a database from the shipped demo data and write the full report.
    ///
    /// The sites, communes and rules are real; the year's visits, survey
    /// answers and events are generated (visit-level data of real people is
    /// not public). Runs every step a coordinator would: generates the sites'
    /// files, imports them, writes the report as HTML, JSON and CSV.
    Demo(DemoArgs),

    /// How well the sites cover the region (maillage du territoire).
    ///
    /// Coverage by distance, catchments, what-if questions, the map.
    Territory(TerritoryArgs),

    /// Meetings of the network's bodies (instances) and their compliance.
    ///
    /// Checks meetings against their body's rules (quorum, competence,
    /// period) and makes the year's compliance table — Commission régionale,
    /// comités techniques locaux de programmation, comités de pilotage.
    Committee(CommitteeArgs),

    /// The year's governance calendar, as a list or an iCalendar file.
    ///
    /// When each body must meet, for the region and each site.
    Calendar(CalendarArgs),

    /// Arbitrate the sites' action proposals (plans d'actions).
    ///
    /// The recommended plan of each site under the roadmap (feuille de
    /// route) and its envelope, each proposal kept or dropped with the
    /// reason, and every plan against the regional budget.
    Plan(PlanArgs),

    /// Labelling (labellisation): check and follow applications.
    ///
    /// Judges an application file (dossier de candidature) against the
    /// specification (cahier des charges), and follows applications through
    /// their steps — submitted, complete, the Commission's opinion (avis),
    /// the Region's decision, the label's life.
    Label(LabelArgs),

    /// Recruitment of a territorial coordinator (CTEM): check a candidate
    /// against the job profile, and follow candidacies.
    ///
    /// The employer (host structure or Region) proposes a candidate, the
    /// Commission sitting as recruitment committee gives its opinion, the
    /// employer hires or declines; every step goes to the same hash-chained
    /// journal as the labelling applications.
    Recruitment(RecruitmentArgs),

    /// The network's rules (a ruleset folder of TOML files): check them.
    ///
    /// `em ruleset check FOLDER` reads every file of the folder — statistics,
    /// labelling, territory, governance — and lists every problem with its
    /// file, place and reason, numbers outside their sane range included
    /// (a masking threshold of 0, say). Run it after editing the rules.
    Ruleset(RulesetArgs),

    /// The sites' WebAssembly plugins: list, check, run.
    ///
    /// Lists and checks the plugins of a manifest, or runs one report plugin
    /// on a site's masked tables.
    Plugins(PluginsArgs),
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Init(_) => "init",
            Command::Import(_) => "import",
            Command::Report(_) => "report",
            Command::Schema(_) => "schema",
            Command::Demo(_) => "demo",
            Command::Territory(_) => "territory",
            Command::Committee(_) => "committee",
            Command::Calendar(_) => "calendar",
            Command::Plan(_) => "plan",
            Command::Label(_) => "label",
            Command::Recruitment(_) => "recruitment",
            Command::Ruleset(_) => "ruleset",
            Command::Plugins(_) => "plugins",
        }
    }
}

/// Options of `em init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The database file to create, e.g. `reseau.sqlite`.
    pub db: PathBuf,
}

/// Options of `em import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The database file (created if it does not exist).
    pub db: PathBuf,

    /// The files to import (.csv, .xlsx, .jsonl).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// The site (Espace métiers) whose files these are, by its identifier in
    /// the registry (e.g. `sedan`, `saint-dizier`). It fills in the site of
    /// the rows that name none; a file with a site column keeps the sites it
    /// names. Given once, it is the site of every file of the command. Given
    /// several times, each `--site` is the site of the files written after
    /// it, up to the next `--site`; files written before the first one must
    /// name their site themselves.
    #[arg(long, action = clap::ArgAction::Append)]
    pub site: Vec<String>,

    /// Where each `--site` and each file stood on the command line, to give
    /// every file its own site; filled in by [`Cli::parse_args`].
    #[arg(skip)]
    pub positions: Positions,

    /// What the files hold; guessed from their content when left out.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// A column mapping (TOML) from the file's own header names to the
    /// fields of the records, for files whose headers differ from the
    /// regional template.
    #[arg(long)]
    pub mapping: Option<PathBuf>,

    /// A plugin manifest: the rules plugins the file's site enables check
    /// its visits too. A file whose site enables a rules plugin that cannot
    /// be loaded is refused (nothing stored); files of other sites go on.
    #[arg(long)]
    pub plugins: Option<PathBuf>,
}

/// The kind of records a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Visits to the resource centre (centre de ressources).
    Visit,
    /// Answers to the satisfaction survey (questionnaire de satisfaction).
    #[value(name = "survey_answer")]
    SurveyAnswer,
    /// Events organised by a site (animations).
    Event,
}

/// Options of `em report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The database file.
    pub db: PathBuf,

    /// The year of the report, e.g. 2009.
    #[arg(long)]
    pub year: Year,

    /// The folder to write the report into.
    #[arg(long, default_value = "report")]
    pub out: PathBuf,

    /// The formats to write, separated by commas.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "html,json,csv"
    )]
    pub format: Vec<FormatArg>,

    /// The meetings of the year (JSON), to add the governance compliance;
    /// needs --roadmap and --proposals too.
    #[arg(long, requires_all = ["roadmap", "proposals"])]
    pub meetings: Option<PathBuf>,

    /// The roadmap (feuille de route, JSON) the proposals answer.
    #[arg(long, requires_all = ["meetings", "proposals"])]
    pub roadmap: Option<PathBuf>,

    /// The sites' action proposals (JSON), to add their arbitration.
    #[arg(long, requires_all = ["meetings", "roadmap"])]
    pub proposals: Option<PathBuf>,

    /// A plugin manifest: each site's report plugins add their section to
    /// the site's part of the report. A plugin that fails (to load or to
    /// run) is named and the rest of the report is written complete; the
    /// command then ends with how many plugins were left out and exits with
    /// code 3.
    #[arg(long)]
    pub plugins: Option<PathBuf>,
}

/// A format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum FormatArg {
    /// A self-contained web page with charts, to read or print.
    Html,
    /// The report as data, for other programs.
    Json,
    /// One CSV file per table, for spreadsheets.
    Csv,
}

/// Options of `em schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The folder to write the schemas into.
    #[arg(long, default_value = "schemas")]
    pub out: PathBuf,
}

/// Options of `em demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to write everything into: the generated files, the
    /// database and the report.
    #[arg(long, default_value = "demo")]
    pub out: PathBuf,

    /// A plugin manifest: the sites' plugins check the imports and add
    /// their sections to the report.
    #[arg(long)]
    pub plugins: Option<PathBuf>,
}

/// Options of `em territory`.
#[derive(Debug, Args)]
pub struct TerritoryArgs {
    /// The day whose sites and rules apply (YYYY-MM-DD).
    #[arg(long, default_value = "2009-12-31", global = true)]
    pub date: Date,

    /// Print the answer as JSON instead of sentences.
    #[arg(long, global = true)]
    pub json: bool,

    /// The question to answer.
    #[command(subcommand)]
    pub command: TerritoryCommand,
}

/// The questions `em territory` answers.
#[derive(Debug, Subcommand)]
pub enum TerritoryCommand {
    /// Population within each distance of a site, per département and for
    /// the region, and the white zones (communes far from every site).
    Coverage,
    /// Write the coverage map as an SVG file.
    Map {
        /// The SVG file to write.
        #[arg(long, default_value = "territory.svg")]
        out: PathBuf,
    },
    /// Each site's catchment (the communes nearer to it than to any other
    /// site) and the share of its visitors of a year who live there.
    Catchments {
        /// The database holding the visits.
        db: PathBuf,
        /// The year of the visits.
        #[arg(long)]
        year: Year,
    },
    /// What opening a site in a commune would bring (by INSEE code, e.g.
    /// 08190 for Givet).
    Add {
        /// INSEE code of the commune.
        commune: String,
    },
    /// What closing a site would cost (by its identifier, e.g. nogent).
    Close {
        /// The site's identifier.
        site: String,
    },
    /// The commune where a new site would bring the most people within
    /// reach, explained.
    BestNext,
    /// How much a site in a commune would overlap the existing sites'
    /// catchments (the labelling check's figure).
    Overlap {
        /// INSEE code of the commune.
        commune: String,
    },
}

/// Options of `em committee`.
#[derive(Debug, Args)]
pub struct CommitteeArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: CommitteeCommand,
}

/// The subcommands of `em committee`.
#[derive(Debug, Subcommand)]
pub enum CommitteeCommand {
    /// Check meetings (a JSON list) against their body's rules: each is
    /// accepted with its explanation, or refused with every breach.
    Check {
        /// The meetings file.
        meetings: PathBuf,
    },
    /// Record meetings (a JSON list) in the network database once they pass
    /// their body's rules; when any is refused, none is recorded.
    Record {
        /// The database.
        db: PathBuf,
        /// The meetings file.
        meetings: PathBuf,
    },
    /// Whether each required meeting of the year was held in its period,
    /// for the region and each site; exits non-zero when one was not.
    Compliance {
        /// The meetings file (or --db for the recorded meetings).
        #[arg(required_unless_present = "db", conflicts_with = "db")]
        meetings: Option<PathBuf>,
        /// Judge the meetings recorded in this database.
        #[arg(long)]
        db: Option<PathBuf>,
        /// The year judged.
        #[arg(long)]
        year: Year,
        /// Print the table as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Options of `em calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The year.
    #[arg(long)]
    pub year: Year,
    /// Only this site's bodies (and the region's).
    #[arg(long)]
    pub site: Option<String>,
    /// Meetings already planned or held (JSON), shown in the calendar.
    #[arg(long)]
    pub meetings: Option<PathBuf>,
    /// Write an iCalendar (.ics) file instead of a list.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Options of `em plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The roadmap (feuille de route) of the plans' year (JSON); needed to
    /// arbitrate and decide.
    #[arg(long)]
    pub roadmap: Option<PathBuf>,
    /// The sites' action proposals (JSON list); needed to arbitrate and
    /// decide.
    #[arg(long)]
    pub proposals: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: PlanCommand,
}

/// The subcommands of `em plan`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// The recommended plan of each site: which proposals to keep under its
    /// envelope and the roadmap, each kept or dropped with the reason.
    Arbitrate {
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Print the recommendations as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the plan of each site with proposals (or of one), as its
    /// steering committee decides it, in the network database; the
    /// decision is logged in its journal.
    Decide {
        /// The database.
        db: PathBuf,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// The committees' decisions that depart from the recommendation
        /// (JSON list of {proposal, keep, reason}).
        #[arg(long)]
        decisions: Option<PathBuf>,
    },
    /// Transmit a recorded plan to the Region, logged in the journal.
    Transmit {
        /// The database.
        db: PathBuf,
        /// The site.
        #[arg(long)]
        site: String,
        /// The plans' year.
        #[arg(long)]
        year: Year,
        /// The day it is transmitted.
        #[arg(long)]
        date: Date,
    },
    /// The plans recorded for a year, with the history of each.
    Show {
        /// The database.
        db: PathBuf,
        /// The plans' year.
        #[arg(long)]
        year: Year,
    },
    /// Every site's plan, as its steering committee (comité de pilotage)
    /// decides it, against the regional budget.
    Region {
        /// The committees' decisions that depart from the recommendation
        /// (JSON list of {proposal, keep, reason}).
        #[arg(long)]
        decisions: Option<PathBuf>,
        /// Print the view as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Options of `em label`.
#[derive(Debug, Args)]
pub struct LabelArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LabelCommand,
}

/// The subcommands of `em label`.
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// Judge an application file (.toml or .json) against the specification
    /// in force on its submission day: every criterion met, not met or
    /// unknown, with the reason.
    Check {
        /// The application file.
        file: PathBuf,
        /// Print the evaluation as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The applications of a database and where each stands.
    List {
        /// The database.
        db: PathBuf,
        /// The day their standing is given for.
        #[arg(long, default_value = "2010-12-31")]
        date: Date,
    },
    /// One application with its whole history.
    Show {
        /// The database.
        db: PathBuf,
        /// The application's identifier.
        id: String,
    },
    /// Take one step on an application, recorded in the database's journal.
    Advance {
        /// The database.
        db: PathBuf,
        /// The application's identifier (a `draft` creates it).
        id: String,
        /// Who acts: host_structure, regional_coordination, commission or
        /// region.
        #[arg(long)]
        role: String,
        /// The body or service acting (e.g. "Commission régionale, séance
        /// du 15 juin 2010"), never a person's name.
        #[arg(long)]
        actor: String,
        /// The day the step takes effect.
        #[arg(long)]
        date: Date,
        /// Why; some steps require it (sending back, suspending…).
        #[arg(long)]
        reason: Option<String>,
        /// The step.
        #[command(subcommand)]
        action: LabelAction,
    },
}

/// The steps of an application.
#[derive(Debug, Subcommand)]
pub enum LabelAction {
    /// The host structure (structure porteuse) writes its application.
    Draft {
        /// The application file (.toml or .json).
        file: PathBuf,
    },
    /// The host structure submits it; it is judged on the day.
    Submit,
    /// The regional coordination sends it back (--reason required).
    SendBack,
    /// The regional coordination declares it complete.
    DeclareComplete,
    /// The Commission gives its opinion (avis).
    GiveOpinion {
        /// favourable, favourable_with_reservations or unfavourable.
        #[arg(long)]
        opinion: String,
        /// A reason (repeat for several).
        #[arg(long = "because", required = true)]
        reasons: Vec<String>,
        /// A condition of a favourable opinion with reservations.
        #[arg(long = "condition")]
        conditions: Vec<String>,
    },
    /// The Region decides: the label is granted, or refused.
    Decide {
        /// Grant the label (refused without it).
        #[arg(long)]
        granted: bool,
    },
    /// The host structure submits a year's activity report, renewing the
    /// label.
    SubmitActivityReport {
        /// The year reported on.
        #[arg(long)]
        year: Year,
    },
    /// The Region suspends the label (--reason required).
    Suspend,
    /// The Region lifts a suspension.
    Reinstate,
    /// The Region withdraws the label (--reason required).
    Withdraw,
    /// The host structure abandons its application.
    Abandon,
}

/// Options of `em ruleset`.
#[derive(Debug, Args)]
pub struct RulesetArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RulesetCommand,
}

/// The subcommands of `em ruleset`.
#[derive(Debug, Subcommand)]
pub enum RulesetCommand {
    /// Check every file of a ruleset folder; exits with code 1 when any
    /// problem is found.
    Check {
        /// The ruleset folder, e.g. `rulesets/champagne-ardenne`; without it,
        /// the folder of --ruleset, or else the rules built into em.
        folder: Option<PathBuf>,
    },
}

/// Options of `em recruitment`.
#[derive(Debug, Args)]
pub struct RecruitmentArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RecruitmentCommand,
}

/// The subcommands of `em recruitment`.
#[derive(Debug, Subcommand)]
pub enum RecruitmentCommand {
    /// Judge a candidate file (.toml or .json) against the CTEM's job
    /// profile in force on its day (`submitted`): every criterion met, not
    /// met or unknown, with the reason. Exits with 3 when the candidate does
    /// not meet the profile.
    Check {
        /// The candidate file: `applicant` is the candidate's reference
        /// (never a name), `site` the post's site, `facts` the profile's.
        file: PathBuf,
        /// Print the evaluation as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The candidacies of a database and where each stands.
    List {
        /// The database.
        db: PathBuf,
    },
    /// One candidacy with its whole history.
    Show {
        /// The database.
        db: PathBuf,
        /// The candidacy's identifier.
        id: String,
    },
    /// Take one step on a candidacy, recorded in the database's journal.
    Advance {
        /// The database.
        db: PathBuf,
        /// The candidacy's identifier (a `propose` creates it).
        id: String,
        /// Who acts: host_structure or region (the employers), commission
        /// (the recruitment committee).
        #[arg(long)]
        role: String,
        /// The body or service acting (e.g. "Commission régionale, comité
        /// de recrutement du 1er septembre 2010"), never a person's name.
        #[arg(long)]
        actor: String,
        /// The day the step takes effect.
        #[arg(long)]
        date: Date,
        /// Why; declining a candidate, or hiring against the committee's
        /// opinion, requires it.
        #[arg(long)]
        reason: Option<String>,
        /// The step.
        #[command(subcommand)]
        action: RecruitmentAction,
    },
}

/// The steps of a candidacy.
#[derive(Debug, Subcommand)]
pub enum RecruitmentAction {
    /// The employer proposes a candidate; judged against the job profile.
    Propose {
        /// The candidate file (.toml or .json).
        file: PathBuf,
    },
    /// The Commission, as recruitment committee, gives its opinion (avis).
    GiveOpinion {
        /// favourable, favourable_with_reservations or unfavourable.
        #[arg(long)]
        opinion: String,
        /// A reason (repeat for several).
        #[arg(long = "because", required = true)]
        reasons: Vec<String>,
        /// A condition of a favourable opinion with reservations.
        #[arg(long = "condition")]
        conditions: Vec<String>,
    },
    /// The employer hires the candidate.
    Hire,
    /// The employer declines the candidate (--reason required).
    Decline,
    /// The employer withdraws the candidacy.
    Withdraw,
}

/// Options of `em plugins`.
#[derive(Debug, Args)]
pub struct PluginsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PluginsCommand,
}

/// The subcommands of `em plugins`.
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// The plugins of a manifest: name, version, kind, sites.
    List {
        /// The plugin manifest (TOML).
        manifest: PathBuf,
    },
    /// Load every plugin of a manifest (hash, interface version, start-up)
    /// and say which failed and why.
    Check {
        /// The plugin manifest (TOML).
        manifest: PathBuf,
    },
    /// Run one report plugin on a site's masked tables of a year and print
    /// its document as JSON.
    Run {
        /// The plugin manifest (TOML).
        manifest: PathBuf,
        /// The plugin's name.
        plugin: String,
        /// The database.
        #[arg(long)]
        db: PathBuf,
        /// The year.
        #[arg(long)]
        year: Year,
        /// The site.
        #[arg(long)]
        site: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command's `--year` goes through the one [`Year`] parser: a
    /// year inside [`YEARS`] is taken, one outside is a usage error.
    #[test]
    fn every_year_option_takes_the_same_range() {
        let commands: [&[&str]; 8] = [
            &["report", "db", "--year"],
            &["territory", "catchments", "db", "--year"],
            &["committee", "compliance", "m.json", "--year"],
            &["calendar", "--year"],
            &[
                "plan",
                "transmit",
                "db",
                "--site",
                "reims",
                "--date",
                "2010-01-05",
                "--year",
            ],
            &["plan", "show", "db", "--year"],
            &[
                "plugins", "run", "m.toml", "p", "--db", "db", "--site", "reims", "--year",
            ],
            &[
                "label",
                "advance",
                "db",
                "a",
                "--role",
                "region",
                "--actor",
                "R",
                "--date",
                "2010-01-05",
                "submit-activity-report",
                "--year",
            ],
        ];
        for command in commands {
            let line = |year: &str| {
                let mut line = vec!["em"];
                line.extend_from_slice(command);
                line.push(year);
                Cli::try_parse_from(line)
            };
            assert!(
                line("2009").is_ok(),
                "{command:?}: {:?}",
                line("2009").err()
            );
            for wrong in ["1989", "2101", "20o9"] {
                let err = line(wrong).unwrap_err();
                assert_eq!(err.exit_code(), 2, "{command:?} {wrong}");
            }
        }
    }
}
