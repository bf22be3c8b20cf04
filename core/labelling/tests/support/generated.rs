//! Generated labelling data shared by the benchmark and the explanation
//! goldens: a specification of any number of criteria over 51 facts
//! (numbers, yes/no, codes, lists, a date) that uses every operator and
//! nests all / any / not, and applications drawn from a fixed seed with a
//! few facts left out, so that met, not met and unknown all occur.

use std::fmt::Write as _;

/// A small deterministic generator, so runs compare.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next draw, 31 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A labelling file whose specification has `criteria` criteria.
pub fn specification(criteria: usize) -> String {
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
    for c in 0..criteria {
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

/// An application file (JSON) submitted on 2010-03-15.
pub fn application(rng: &mut Lcg) -> String {
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
