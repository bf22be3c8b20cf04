//! Judging 10,000 applications against a 50-criterion specification.
//!
//! The specification is generated here (numbers, yes/no, codes, lists and
//! dates, combined with all / any / not) so that its size is the target's,
//! not the shipped one's sixteen criteria. The applications are generated
//! with a fixed seed, a few facts left out of each so that every verdict
//! (met, not met, unknown) occurs. Three figures: verdicts alone,
//! verdicts with explanations, and reading the files too.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_labelling::{ApplicationDocument, Facts, Format, LabellingRules};
use jiff::civil::date;

const CRITERIA: usize = 50;
const APPLICATIONS: usize = 10_000;

/// A small deterministic generator, so runs compare.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn specification() -> String {
    let mut s = String::from(
        "[label]\nvalidity_months = [{ from = \"2007-01-01\", value = 36 }]\n\
         renewal_months = [{ from = \"2007-01-01\", value = 12 }]\n\n\
         [specification]\nid = \"bench\"\ntitle = \"Bench\"\nsource = \"generated\"\n",
    );
    for i in 0..20 {
        let _ = write!(
            s,
            "[[specification.facts]]\nid = \"n{i}\"\ntype = \"number\"\nunit = \"h\"\nlabel = \"Nombre {i}\"\n"
        );
    }
    for i in 0..10 {
        let _ = write!(
            s,
            "[[specification.facts]]\nid = \"b{i}\"\ntype = \"bool\"\nlabel = \"Oui-non {i}\"\n"
        );
        let _ = write!(
            s,
            "[[specification.facts]]\nid = \"t{i}\"\ntype = \"text\"\nlabel = \"Code {i}\"\n"
        );
        let _ = write!(
            s,
            "[[specification.facts]]\nid = \"l{i}\"\ntype = \"list\"\nlabel = \"Liste {i}\"\n"
        );
    }
    let _ = write!(
        s,
        "[[specification.facts]]\nid = \"d0\"\ntype = \"date\"\nlabel = \"Date\"\n"
    );
    for c in 0..CRITERIA {
        let (n, b, t, l) = (c % 20, c % 10, (c + 3) % 10, (c + 7) % 10);
        let condition = match c % 5 {
            0 => format!("{{ ge = {{ fact = \"n{n}\", value = {} }} }}", 5 + c % 7),
            1 => format!(
                "{{ all = [{{ is_true = \"b{b}\" }}, {{ in = {{ fact = \"t{t}\", values = [\"a\", \"b\", \"c\"] }} }}] }}"
            ),
            2 => format!(
                "{{ any = [{{ contains = {{ fact = \"l{l}\", values = [\"x\", \"y\"] }} }}, {{ gt = {{ fact = \"l{l}\", value = 3 }} }}] }}"
            ),
            3 => format!(
                "{{ all = [{{ le = {{ fact = \"n{n}\", value = 80 }} }}, {{ not = {{ eq = {{ fact = \"t{t}\", value = \"z\" }} }} }}, {{ present = \"d0\" }}] }}"
            ),
            _ => format!(
                "{{ any = [{{ lt = {{ fact = \"d0\", value = \"2010-01-01\" }} }}, {{ all = [{{ is_true = \"b{b}\" }}, {{ ge = {{ fact = \"n{n}\", value = 2.5 }} }}] }}] }}"
            ),
        };
        let level = if c % 4 == 3 {
            "recommended"
        } else {
            "required"
        };
        let _ = write!(
            s,
            "[[specification.criteria]]\nid = \"c{c:02}\"\nlabel = \"Critère {c}\"\nsource = \"generated\"\n\
             level = \"{level}\"\nfrom = \"2007-01-01\"\ncondition = {condition}\n"
        );
    }
    s.push_str(
        "[job_profile]\nid = \"p\"\ntitle = \"P\"\nsource = \"generated\"\n\
         [[job_profile.facts]]\nid = \"x\"\ntype = \"bool\"\nlabel = \"X\"\n\
         [[job_profile.criteria]]\nid = \"x\"\nlabel = \"X\"\nsource = \"generated\"\nlevel = \"required\"\n\
         from = \"2007-01-01\"\ncondition = { is_true = \"x\" }\n",
    );
    s
}

fn application(rng: &mut Lcg) -> String {
    let mut facts = serde_json::Map::new();
    let codes = ["a", "b", "c", "z", "w"];
    let items = ["x", "y", "v", "u"];
    for i in 0..20 {
        facts.insert(format!("n{i}"), (rng.next() % 100).into());
    }
    for i in 0..10 {
        facts.insert(format!("b{i}"), (!rng.next().is_multiple_of(4)).into());
        facts.insert(format!("t{i}"), codes[(rng.next() % 5) as usize].into());
        let n = (rng.next() % 5) as usize;
        let list: Vec<serde_json::Value> = (0..n)
            .map(|_| items[(rng.next() % 4) as usize].into())
            .collect();
        facts.insert(format!("l{i}"), list.into());
    }
    facts.insert(
        "d0".to_owned(),
        format!("20{:02}-03-15", 5 + rng.next() % 10).into(),
    );
    // Leave a few facts out so that some verdicts are unknown.
    for _ in 0..3 {
        let victim = format!("n{}", rng.next() % 20);
        facts.remove(&victim);
    }
    serde_json::json!({
        "applicant": "Structure porteuse",
        "site": "Site",
        "submitted": "2010-03-15",
        "facts": facts,
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let rules = LabellingRules::parse("labelling.toml", &specification(), "bench", "1")
        .expect("the generated specification loads");
    let in_force = rules
        .specification
        .in_force(date(2010, 3, 15))
        .expect("criteria in force");
    assert_eq!(in_force.criteria().len(), CRITERIA);
    let mut rng = Lcg(2010);
    let texts: Vec<String> = (0..APPLICATIONS).map(|_| application(&mut rng)).collect();
    let facts: Vec<Facts> = texts
        .iter()
        .map(|t| {
            ApplicationDocument::parse(t, Format::Json)
                .and_then(|d| d.facts_for(&rules.specification))
                .expect("generated applications read")
        })
        .collect();

    let mut group = c.benchmark_group("labelling");
    group.sample_size(20);
    group.bench_function("judge 10k applications x 50 criteria (verdicts)", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(in_force.judge(black_box(f.slots())));
            }
        });
    });
    group.bench_function(
        "evaluate 10k applications x 50 criteria (with explanations)",
        |b| {
            b.iter(|| {
                for f in &facts {
                    black_box(in_force.evaluate(black_box(f.slots())));
                }
            });
        },
    );
    group.bench_function("read and evaluate 10k JSON application files", |b| {
        b.iter(|| {
            for t in &texts {
                let facts = ApplicationDocument::parse(black_box(t), Format::Json)
                    .and_then(|d| d.facts_for(&rules.specification))
                    .expect("generated applications read");
                black_box(in_force.evaluate(facts.slots()));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
